// TODO(stub): implemented in progress
