# Sourced by the CLI checks (which define $xgrad and fail()):
#   expect_error CODE MESSAGE ARGS...   runs xgrad ARGS, expects exit CODE and MESSAGE in its output.
expect_error() {
  local code=$1 message=$2
  shift 2
  set +e
  local got
  got=$("$xgrad" "$@" 2>&1)
  local status=$?
  set -e
  [[ $status -eq $code ]] || fail "$* exited $status, expected $code: $got"
  grep -qF -- "$message" <<<"$got" || fail "$* printed: $got (expected: $message)"
}
