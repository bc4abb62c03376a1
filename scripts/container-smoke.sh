#!/usr/bin/env bash
# Build the Dockerfile's image with buildah and prove it: run its entry point (migrations, then
# uvicorn with 2 workers) and check /health/ready and /v1/statements with curl. Prints the image
# size, the time from start to ready, and the whole run's time.
#
#   scripts/container-smoke.sh                      # SQLite in the container's /data
#   SMOKE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/newsroom_smoke \
#     scripts/container-smoke.sh                    # a PostgreSQL database (created, then dropped)
#
# Needs root, buildah and (only when the public base cannot be pulled) mmdebstrap, from Debian's
# packages: `apt-get install -y buildah mmdebstrap`. The base is the public python image when it
# can be pulled, else a Debian bookworm minbase (python3 3.11) that mmdebstrap makes from this
# machine's apt sources. The machine's pip settings reach the build as a build secret made in a
# scratch folder outside the repository. Chroot isolation shares the host's network, so the
# container's server listens on 127.0.0.1:$SMOKE_PORT. Environment knobs: SMOKE_PORT (18080),
# SMOKE_IMAGE (localhost/newsroom-api:smoke), SMOKE_BASE (skip the pull and use this image),
# SMOKE_CACHE (/var/tmp/newsroom-smoke: the Debian base tarball is kept there between runs),
# STORAGE_DRIVER (overlay when it works, else vfs).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

PORT="${SMOKE_PORT:-18080}"
IMAGE="${SMOKE_IMAGE:-localhost/newsroom-api:smoke}"
CACHE="${SMOKE_CACHE:-/var/tmp/newsroom-smoke}"
PUBLIC_BASE=$(sed -n 's/^ARG BASE_IMAGE=//p' Dockerfile)
DEBIAN_PACKAGES=python3,python3-venv,ca-certificates,passwd
# Documentation, manual pages and translations are left out of the base (about 40 MB).
DEBIAN_OPTIONS=(--dpkgopt=path-exclude=/usr/share/doc/* --dpkgopt=path-include=/usr/share/doc/*/copyright
  --dpkgopt=path-exclude=/usr/share/man/* --dpkgopt=path-exclude=/usr/share/locale/*
  --dpkgopt=path-exclude=/usr/share/info/*)
# Both the tarball and the image are named by what went into them, so a change rebuilds them.
DEBIAN_KEY=$(echo "$DEBIAN_PACKAGES ${DEBIAN_OPTIONS[*]}" | sha256sum | cut -c1-12)
DEBIAN_BASE="localhost/newsroom-base:bookworm-$DEBIAN_KEY"
SCRATCH=$(mktemp -d)
SERVER=""

say() { printf '== %s\n' "$*"; }
cleanup() {
  # Whatever is left of the process group the server was started in (setsid), on any exit.
  if [ -n "$SERVER" ] && kill -0 -- "-$SERVER" 2>/dev/null; then kill -TERM -- "-$SERVER" || true; fi
  if [ -n "${CTR:-}" ]; then buildah "${STORAGE[@]}" rm "$CTR" >/dev/null 2>&1 || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

for tool in buildah curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y buildah curl" >&2; exit 2; }
done

# Storage: overlay where the kernel allows it in this sandbox, else vfs (slower, always works).
# Each driver keeps its own root so switching never trips over the other's database.
driver="${STORAGE_DRIVER:-}"
if [ -z "$driver" ]; then
  driver=vfs
  if buildah --storage-driver overlay --root /var/lib/containers/storage-overlay \
      from --name newsroom-probe scratch >/dev/null 2>&1; then
    buildah --storage-driver overlay --root /var/lib/containers/storage-overlay \
      rm newsroom-probe >/dev/null 2>&1
    driver=overlay
  fi
fi
STORAGE=(--storage-driver "$driver" --root "/var/lib/containers/storage-$driver")
say "buildah $(buildah --version | cut -d' ' -f3), storage driver $driver"

# Base image: the public one if it can be pulled, else Debian bookworm made with mmdebstrap.
base="${SMOKE_BASE:-}"
if [ -z "$base" ]; then
  if timeout 120 buildah "${STORAGE[@]}" pull --quiet "$PUBLIC_BASE" >/dev/null 2>"$SCRATCH/pull.err"; then
    base="$PUBLIC_BASE"
    say "base: $PUBLIC_BASE (pulled)"
  else
    say "base: $PUBLIC_BASE cannot be pulled ($(tail -n 1 "$SCRATCH/pull.err" | cut -c1-200))"
    base="$DEBIAN_BASE"
    if ! buildah "${STORAGE[@]}" inspect --type image "$DEBIAN_BASE" >/dev/null 2>&1; then
      command -v mmdebstrap >/dev/null || { echo "missing mmdebstrap: apt-get install -y mmdebstrap" >&2; exit 2; }
      mkdir -p "$CACHE"
      tarball="$CACHE/bookworm-$DEBIAN_KEY.tar"
      if [ ! -s "$tarball" ]; then
        # This machine's apt sources (a file path as the mirror argument), so the base comes
        # from the same Debian mirror apt-get uses here.
        sources=""
        for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
          if [ -s "$f" ]; then sources="$f"; break; fi
        done
        say "mmdebstrap: Debian bookworm minbase + $DEBIAN_PACKAGES (apt sources: $sources)"
        mmdebstrap --quiet --format=tar --variant=minbase --include="$DEBIAN_PACKAGES" \
          "${DEBIAN_OPTIONS[@]}" \
          --aptopt='APT::Install-Recommends "false"' \
          --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
          bookworm "$tarball.part" "$sources" </dev/null
        mv "$tarball.part" "$tarball"
      fi
      # A rootfs tarball becomes an image: a container from scratch, the tree copied in, committed.
      ctr=$(buildah "${STORAGE[@]}" from scratch)
      mnt=$(buildah "${STORAGE[@]}" mount "$ctr")
      tar -xf "$tarball" -C "$mnt"
      buildah "${STORAGE[@]}" umount "$ctr" >/dev/null
      buildah "${STORAGE[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --env LANG=C.UTF-8 --cmd /bin/bash "$ctr"
      buildah "${STORAGE[@]}" commit --quiet --rm "$ctr" "$DEBIAN_BASE" >/dev/null
    fi
    say "base: $DEBIAN_BASE ($(buildah "${STORAGE[@]}" run --isolation chroot \
      "$(buildah "${STORAGE[@]}" from --quiet --name newsroom-probe-py "$DEBIAN_BASE")" -- python3 --version))"
    buildah "${STORAGE[@]}" rm newsroom-probe-py >/dev/null
  fi
fi

# The machine's pip settings, as pip inside the build can use them: remote indexes, timeouts,
# trusted hosts and the CA bundle; local paths (file:// indexes, find-links folders, constraint
# files) do not exist inside the build and are left out. Written to the scratch folder only.
python3 - "$SCRATCH" <<'PY'
import ast, os, shutil, subprocess, sys
scratch = sys.argv[1]
listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                        capture_output=True, text=True).stdout
settings = {}
for line in listed.splitlines():  # `section.key='value'`; env (`:env:.`) lines come last and win
    key, _, value = line.partition("=")
    settings[key.rsplit(".", 1)[-1]] = ast.literal_eval(value)
remote = lambda v: " ".join(u for u in v.split() if u.startswith(("http://", "https://")))
conf = {}
for name in ("index-url", "extra-index-url", "find-links"):
    if remote(settings.get(name, "")):
        conf[name] = remote(settings[name])
for name in ("trusted-host", "timeout", "default-timeout", "retries", "proxy"):
    if name in settings:
        conf[name] = settings[name]
cert = settings.get("cert")
if cert and os.path.isfile(cert):
    shutil.copyfile(cert, os.path.join(scratch, "pipcert"))
    conf["cert"] = "/run/secrets/pipcert"
else:
    open(os.path.join(scratch, "pipcert"), "w").close()
with open(os.path.join(scratch, "pipconf"), "w") as out:
    out.write("[global]\n" + "".join(f"{k} = {v}\n" for k, v in conf.items()))
print("== pip settings passed to the build: " + (", ".join(conf) or "none (pip's defaults)"))
PY

say "build $IMAGE from $base"
build_started=$(date +%s)
buildah "${STORAGE[@]}" bud --quiet --isolation chroot --layers \
  --build-arg "BASE_IMAGE=$base" \
  --secret "id=pipconf,src=$SCRATCH/pipconf" --secret "id=pipcert,src=$SCRATCH/pipcert" \
  --tag "$IMAGE" . >"$SCRATCH/build.log" 2>&1 || { cat "$SCRATCH/build.log"; exit 1; }
say "built in $(($(date +%s) - build_started)) s; image size $(buildah "${STORAGE[@]}" images \
  --format '{{.Size}}' "$IMAGE")"

# The database: SQLite in the image's /data, or a scratch PostgreSQL database.
env_args=(--env "NEWSROOM_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  --env "PORT=$PORT" --env WORKERS=2)
if [ -n "${SMOKE_DATABASE_URL:-}" ]; then
  db="${SMOKE_DATABASE_URL##*/}"
  admin="${SMOKE_DATABASE_URL%/*}/postgres"
  admin="${admin/postgresql+psycopg/postgresql}"
  export PGOPTIONS="--client-min-messages=warning"
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  env_args+=(--env "NEWSROOM_DATABASE_URL=$SMOKE_DATABASE_URL")
  say "database: PostgreSQL $db (scratch)"
else
  say "database: SQLite /data/newsroom.db inside the container"
fi

# Run the image's own entry point (its CMD, as its USER, with its ENV) in a working container.
CTR=$(buildah "${STORAGE[@]}" from --quiet "$IMAGE")
mapfile -t cmd < <(buildah "${STORAGE[@]}" inspect --format '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
user=$(buildah "${STORAGE[@]}" inspect --format '{{.OCIv1.Config.User}}' "$IMAGE")
say "entry point as $user: ${cmd[*]}"
if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/live" 2>/dev/null; then
  echo "port $PORT is already taken: set SMOKE_PORT" >&2
  exit 1
fi
run_started=$(date +%s.%N)
setsid buildah "${STORAGE[@]}" run --isolation chroot --user "$user" "${env_args[@]}" "$CTR" -- "${cmd[@]}" \
  >"$SCRATCH/server.log" 2>&1 &
SERVER=$!

ready=""
for _ in $(seq 1 240); do
  if curl -fsS -o "$SCRATCH/ready.json" "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; then
    ready=$(python3 -c "print(f'{$(date +%s.%N) - $run_started:.1f}')")
    break
  fi
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.25
done
if [ -z "$ready" ]; then
  say "not ready; server output:"; cat "$SCRATCH/server.log"; exit 1
fi
say "ready in $ready s (migrations included): $(cat "$SCRATCH/ready.json")"

# Content through the whole stack: the image's CLI loads the demo data (the shipped taxonomy
# and demo files must be in the image) beside the running server, which then lists it.
buildah "${STORAGE[@]}" run --isolation chroot --user "$user" "${env_args[@]}" "$CTR" -- \
  newsroom demo-data >"$SCRATCH/demo.log" 2>&1 || { cat "$SCRATCH/demo.log"; exit 1; }
say "newsroom demo-data: $(tail -n 1 "$SCRATCH/demo.log")"
status=$(curl -sS -o "$SCRATCH/list.json" -w '%{http_code} %{content_type}' \
  "http://127.0.0.1:$PORT/v1/statements?limit=1&lang=fr")
say "GET /v1/statements?limit=1&lang=fr -> $status: $(head -c 300 "$SCRATCH/list.json")"
case "$status" in "200 application/json"*) ;; *) cat "$SCRATCH/server.log"; exit 1 ;; esac
python3 -c 'import json, sys; items = json.load(open(sys.argv[1]))["items"]; sys.exit(not items)' \
  "$SCRATCH/list.json" || { echo "no statements listed" >&2; exit 1; }

# SIGTERM to the entry point's process (uvicorn's supervisor, found in the process group this
# script started), as a container runtime stops it: the workers finish and exit, then buildah.
main_pid=$(pgrep -g "$SERVER" -f "^[^ ]*/python[0-9.]* [^ ]*/newsroom serve")
[ -n "$main_pid" ] || { say "no uvicorn supervisor process found"; exit 1; }
kill -TERM "$main_pid"
for _ in $(seq 1 120); do kill -0 -- "-$SERVER" 2>/dev/null || break; sleep 0.25; done
if kill -0 -- "-$SERVER" 2>/dev/null; then say "still running 30 s after SIGTERM"; exit 1; fi
wait "$SERVER" && stopped=0 || stopped=$?
say "server log after SIGTERM (last lines)"
tail -n 8 "$SCRATCH/server.log"
if [ "$stopped" -ne 0 ]; then say "entry point exited with status $stopped after SIGTERM"; exit 1; fi
if [ -n "${SMOKE_DATABASE_URL:-}" ]; then psql -q "$admin" -c "DROP DATABASE IF EXISTS $db"; fi
say "image $IMAGE: $(buildah "${STORAGE[@]}" images --format '{{.Size}}' "$IMAGE"), ready in $ready s, \
whole run $(($(date +%s) - started)) s"
say "container smoke passed"
