#!/usr/bin/env bash
# Installs what is missing, builds, and runs the service on its embedded
# default: SQLite file ./data/bhxh-bot.db, the shipped content, web chat on
# http://127.0.0.1:8080/. Extra arguments go to `bhxh-bot serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/bot/bhxh-bot serve "$@"
