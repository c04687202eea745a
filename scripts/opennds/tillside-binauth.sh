#!/bin/sh
# openNDS BinAuth for Tillside as FAS (docs/portal.md). Install on the router and set
#   binauth /usr/lib/opennds/tillside-binauth.sh
# For auth_client openNDS 9.x passes: $2 mac, $3 redir, $4 user agent, $5 ip, $6 token,
# $7 custom (url-escaped base64). Tillside puts the guest's session length (seconds),
# rates (kbit/s) and quotas (kB) in custom; we print them back for openNDS to apply.
# Any other method is only a notification.
[ "$1" = "auth_client" ] || exit 0
custom=$(printf '%s' "$7" | sed 's/%3[dD]/=/g; s/%2[bB]/+/g; s/%2[fF]/\//g')
fields=$(printf '%s' "$custom" | base64 -d 2>/dev/null) || exit 1
# Only Tillside's own grants get through: a login without them is refused.
case "$fields" in *tillside=*) ;; *) exit 1 ;; esac
value() { printf '%s' "$fields" | tr ',' '\n' | sed -n "s/^ *$1=\([0-9]*\)$/\1/p"; }
echo "$(value session_length) $(value upload_rate) $(value download_rate) $(value upload_quota) $(value download_quota)"
exit 0
