#!/bin/sh
# Mosquitto for docker-compose.yml. Mosquitto 2 reads its password and ACL files at start and on
# SIGHUP only, so this runs it and sends SIGHUP whenever the mosquitto-auth service has written
# different files. Run as root by the image's entrypoint; Mosquitto drops to its own user.
auth=/mosquitto/auth
config=/mosquitto/config/mosquitto.conf

# Mosquitto refuses to start without the files; empty ones admit nobody until the first write.
mkdir -p "$auth"
for file in passwords acl; do
  [ -e "$auth/$file" ] || { : >"$auth/$file" && chmod 600 "$auth/$file"; }
done
chown -R mosquitto:mosquitto "$auth"

/usr/sbin/mosquitto -c "$config" &
broker=$!
# As PID 1 this shell gets the container's SIGTERM; Mosquitto saves its sessions when it gets it.
trap 'kill -TERM "$broker" 2>/dev/null' TERM INT

digest() { cat "$auth/passwords" "$auth/acl" 2>/dev/null | md5sum; }

seen=$(digest)
while kill -0 "$broker" 2>/dev/null; do
  # In the background, so that a SIGTERM interrupts the wait at once.
  sleep 1 &
  wait $!
  now=$(digest)
  if [ "$now" != "$seen" ]; then
    seen=$now
    kill -HUP "$broker" 2>/dev/null
  fi
done
wait "$broker"
