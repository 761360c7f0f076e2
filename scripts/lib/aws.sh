# shellcheck shell=bash
# The local stack's AWS endpoint, http://127.0.0.1:5000 (STACK_AWS_PORT), by STACK_AWS:
#   (unset) moto on 127.0.0.1:5001 (STACK_MOTO_PORT) behind the AWS-faithful layer on 5000, with
#           the stack profile (harness/faithful/options.ts STACK_PROFILE: consistency lag at most
#           0.5 s, RDS transitions within 5 s, Route 53 INSYNC within 0.5 s). moto's own /moto-api/
#           paths pass through the layer unchanged;
#   raw-moto: moto itself on 5000;
#   real:   nothing; the worker uses the shell's AWS environment.
# Sourced by stack.sh after common.sh; uses stack.sh's launch and require_free_port.

STACK_AWS_MODE="${STACK_AWS:-faithful}"
case "$STACK_AWS_MODE" in
  faithful | raw-moto | real) ;;
  *) die "STACK_AWS must be unset (moto behind the AWS-faithful layer), raw-moto or real (got '$STACK_AWS_MODE')" ;;
esac
AWS_PORT="${STACK_AWS_PORT:-5000}"
if [[ "$STACK_AWS_MODE" == raw-moto ]]; then MOTO_PORT="$AWS_PORT"; else MOTO_PORT="${STACK_MOTO_PORT:-5001}"; fi
[[ "$AWS_PORT" != "$MOTO_PORT" || "$STACK_AWS_MODE" != faithful ]] || die "STACK_MOTO_PORT must differ from STACK_AWS_PORT"
AWS_URL="http://127.0.0.1:$AWS_PORT"
MOTO_URL="http://127.0.0.1:$MOTO_PORT"

aws_mode_real() { [[ "$STACK_AWS_MODE" == real ]]; }

aws_layer_wanted() { [[ "$STACK_AWS_MODE" == faithful ]]; }

aws_summary() {
  case "$STACK_AWS_MODE" in
    real) echo "AWS            real (STACK_AWS=real; your own credentials and endpoints)" ;;
    raw-moto) echo "AWS endpoint   $AWS_URL: moto $MOTO_VERSION itself (STACK_AWS=raw-moto)" ;;
    *) echo "AWS endpoint   $AWS_URL: moto $MOTO_VERSION (on $MOTO_URL) behind the AWS-faithful layer, stack profile" ;;
  esac
}

start_moto() {
  require_free_port moto "$MOTO_PORT"
  launch moto "$(moto_bin)" -H 127.0.0.1 -p "$MOTO_PORT"
}

moto_ready() { http_ok "$MOTO_URL/moto-api/"; }

start_aws_layer() {
  require_free_port "the AWS-faithful layer" "$AWS_PORT"
  launch aws-layer node -r ts-node/register/transpile-only harness/fault-proxy/cli.ts \
    --target "$MOTO_URL" --port "$AWS_PORT" --faithful --profile stack
}

# Ready when it answers its own control route and passes moto's readiness probe through.
aws_layer_ready() { http_ok "$AWS_URL/__faults/stats" && http_ok "$AWS_URL/moto-api/"; }

# A moto that a stack in another STACK_AWS mode started listens on the other port: say so.
check_moto_port() {
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-p $MOTO_PORT " && return 0
  die "moto (pid $pid) is not on port $MOTO_PORT: the stack was started with another STACK_AWS; stop it first with: npm run stack:down"
}
