// Web chat of the BHXH bot. Plain ES2017 and fetch, no libraries, so it runs
// on an old Android tablet. Bot text is always inserted with textContent,
// never as HTML.
(function () {
  'use strict';

  var API_URL = 'api/chat';
  var SESSION_KEY = 'bhxh-chat-session';
  var REQUEST_TIMEOUT_MS = 20000;
  // Kiosk mode (?kiosk=1): the tablet is shared, so after this long without
  // activity the conversation is cleared and a new session starts.
  var KIOSK_IDLE_MS = 3 * 60 * 1000;

  var MESSAGES = {
    busy: 'Bạn gửi hơi nhanh. Vui lòng đợi {s} giây rồi gửi lại.',
    tooLong: 'Câu hỏi dài quá. Bạn vui lòng viết ngắn gọn hơn rồi gửi lại.',
    badRequest: 'Không gửi được câu hỏi. Bạn vui lòng tải lại trang rồi thử lại.',
    server: 'Hệ thống đang gặp trục trặc. Bạn vui lòng thử lại sau ít phút.',
    network: 'Không kết nối được tới máy chủ. Bạn vui lòng kiểm tra mạng rồi thử lại.',
    typing: 'Trợ lý đang trả lời…',
    menu: 'Về đầu'
  };

  var log = document.getElementById('log');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var sendButton = document.getElementById('send');
  var menuButton = document.getElementById('menu');

  var busy = false;
  var typingNode = null;
  var memorySession = null;  // when localStorage is unavailable
  var kiosk = /[?&]kiosk(=1|=true)?(&|$)/.test(window.location.search);
  // The kiosk at a meeting hall: ?kiosk=1&meeting=<meeting id> records the
  // meeting with the leads registered on it.
  var meetingMatch = /[?&]meeting=([a-z0-9-]{1,64})(&|$)/.exec(window.location.search);
  var meeting = meetingMatch ? meetingMatch[1] : null;
  var idleTimer = null;

  // ---- session -----------------------------------------------------------

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) {
      hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    }
    return 'w' + hex;
  }

  function sessionId() {
    var id = null;
    try {
      id = window.localStorage.getItem(SESSION_KEY);
    } catch (e) {
      id = null;  // storage blocked (private mode, kiosk policy)
    }
    if (id && /^[A-Za-z0-9_-]{1,128}$/.test(id)) return id;
    if (memorySession) return memorySession;
    id = newSessionId();
    memorySession = id;
    try {
      window.localStorage.setItem(SESSION_KEY, id);
    } catch (e) {
      // keep the in-memory id for this page
    }
    return id;
  }

  function resetSession() {
    memorySession = null;
    try {
      window.localStorage.removeItem(SESSION_KEY);
    } catch (e) {
      // nothing stored
    }
  }

  // ---- rendering ---------------------------------------------------------

  function scrollToShow(node) {
    // Show a new bot message from its first line, so a long answer is read
    // from the top; otherwise keep the newest content in view.
    if (node && node.scrollIntoView) {
      try {
        node.scrollIntoView({ block: 'start', behavior: 'smooth' });
      } catch (e) {
        node.scrollIntoView(true);
      }
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }

  function addBubble(kind, text) {
    var p = document.createElement('p');
    p.className = 'msg msg-' + kind;
    p.textContent = text;
    log.appendChild(p);
    return p;
  }

  function addChoices(choices) {
    var box = document.createElement('div');
    box.className = 'choices';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Lựa chọn');
    choices.forEach(function (choice) {
      if (!choice || typeof choice.title !== 'string' || typeof choice.payload !== 'string') {
        return;
      }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'choice';
      button.textContent = choice.title;
      button.addEventListener('click', function () {
        send({ payload: choice.payload }, choice.title);
      });
      box.appendChild(button);
    });
    if (box.childNodes.length > 0) log.appendChild(box);
  }

  function renderReplies(replies) {
    var first = null;
    replies.forEach(function (reply) {
      if (!reply || typeof reply.text !== 'string') return;
      var bubble = addBubble('bot', reply.text);
      if (!first) first = bubble;
      if (Array.isArray(reply.choices) && reply.choices.length > 0) addChoices(reply.choices);
    });
    scrollToShow(first);
  }

  function showTyping() {
    hideTyping();
    var p = document.createElement('p');
    p.className = 'msg msg-bot typing';
    var label = document.createElement('span');
    label.className = 'visually-hidden';
    label.textContent = MESSAGES.typing;
    p.appendChild(label);
    for (var i = 0; i < 3; i++) {
      var dot = document.createElement('span');
      dot.className = 'dot';
      dot.setAttribute('aria-hidden', 'true');
      p.appendChild(dot);
    }
    log.appendChild(p);
    typingNode = p;
    log.scrollTop = log.scrollHeight;
  }

  function hideTyping() {
    if (typingNode && typingNode.parentNode) typingNode.parentNode.removeChild(typingNode);
    typingNode = null;
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    menuButton.disabled = value;
    var choices = log.querySelectorAll('.choice');
    for (var i = 0; i < choices.length; i++) choices[i].disabled = value;
    log.setAttribute('aria-busy', value ? 'true' : 'false');
  }

  // ---- sending -----------------------------------------------------------

  function errorText(status, retryAfter) {
    if (status === 429) {
      var seconds = parseInt(retryAfter, 10);
      if (!(seconds > 0)) seconds = 5;
      return MESSAGES.busy.replace('{s}', String(seconds));
    }
    if (status === 413) return MESSAGES.tooLong;
    if (status >= 400 && status < 500) return MESSAGES.badRequest;
    if (status >= 500) return MESSAGES.server;
    return MESSAGES.network;
  }

  function postChat(body) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = null;
    if (controller) {
      timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    }
    return fetch(API_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      if (!response.ok) {
        return { error: errorText(response.status, response.headers.get('Retry-After')) };
      }
      return response.json().then(function (data) {
        if (!data || !Array.isArray(data.replies)) return { error: MESSAGES.server };
        return { replies: data.replies };
      }, function () {
        return { error: MESSAGES.server };
      });
    }, function () {
      if (timer) clearTimeout(timer);
      return { error: MESSAGES.network };
    });
  }

  // Sends {text} or {payload}; `shown` is what appears as the citizen's
  // bubble (the typed text or the tapped choice's title), or null for none.
  function send(message, shown) {
    if (busy) return Promise.resolve();
    touch();
    var body = { session: sessionId() };
    if (message.text) body.text = message.text;
    if (message.payload) body.payload = message.payload;
    if (meeting) body.meeting = meeting;
    if (shown) scrollToShow(addBubble('user', shown));
    setBusy(true);
    showTyping();
    return postChat(body).then(function (result) {
      hideTyping();
      setBusy(false);
      if (result.error) {
        scrollToShow(addBubble('system', result.error));
        // Give a typed question back so it need not be typed again.
        if (message.text && !input.value) {
          input.value = message.text;
          autoGrow();
        }
        return;
      }
      renderReplies(result.replies);
    });
  }

  function sendTyped() {
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text || busy) return;
    input.value = '';
    autoGrow();
    send({ text: text }, text);
    input.focus();
  }

  function autoGrow() {
    // Grows the box with its text (up to the CSS max-height). Setting style
    // from script is allowed by the page's Content-Security-Policy.
    input.style.height = 'auto';
    input.style.height = input.scrollHeight + 4 + 'px';
  }

  // ---- kiosk idle reset --------------------------------------------------

  function touch() {
    if (!kiosk) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(startOver, KIOSK_IDLE_MS);
  }

  function startOver() {
    if (busy) {
      touch();
      return;
    }
    while (log.firstChild) log.removeChild(log.firstChild);
    input.value = '';
    autoGrow();
    resetSession();
    send({ payload: 'GET_STARTED' }, null);
  }

  // ---- wiring ------------------------------------------------------------

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    sendTyped();
  });

  input.addEventListener('keydown', function (event) {
    // Enter sends; Shift+Enter makes a new line. Not while an input method
    // is composing a Vietnamese word.
    if ((event.key === 'Enter' || event.keyCode === 13) && !event.shiftKey &&
        !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendTyped();
    }
  });

  input.addEventListener('input', function () {
    autoGrow();
    touch();
  });

  menuButton.addEventListener('click', function () {
    send({ payload: 'MENU' }, MESSAGES.menu);
  });

  send({ payload: 'GET_STARTED' }, null);
})();
