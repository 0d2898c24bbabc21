#!/bin/bash
# Configures the demo Postfix from the environment, then runs it in the foreground with its log on stdout.
#   MAIL_DOMAIN      the domain it receives for (corp.test)
#   MAIL_HOSTNAME    its name in the banner (mx.corp.test)
#   MAIL_USERS       the local parts that exist; anyone else gets 550 5.1.1
#   REFUSE_NETWORKS  CIDR ranges refused with 554 5.7.1 (e.g. 198.51.100.0/24 to refuse the internet side)
set -euo pipefail
[ -s /etc/ssl/private/ssl-cert-snakeoil.key ] || make-ssl-cert generate-default-snakeoil --force-overwrite

: > /etc/postfix/local_recipients
for user in $MAIL_USERS; do echo "$user@$MAIL_DOMAIN ok" >> /etc/postfix/local_recipients; done
: > /etc/postfix/client_access
for net in $REFUSE_NETWORKS; do echo "$net REJECT Access denied for your network" >> /etc/postfix/client_access; done

postconf -e \
  "myhostname = $MAIL_HOSTNAME" \
  "mydestination = $MAIL_DOMAIN, localhost" \
  "inet_interfaces = all" \
  "inet_protocols = ipv4" \
  "maillog_file = /dev/stdout" \
  "local_recipient_maps = texthash:/etc/postfix/local_recipients" \
  "alias_maps =" \
  "smtpd_relay_restrictions = reject_unauth_destination" \
  "smtpd_client_restrictions = check_client_access cidr:/etc/postfix/client_access" \
  "access_map_reject_code = 554" \
  "default_transport = discard:" \
  "local_transport = discard:" \
  "relay_transport = discard:" \
  "smtp_dns_support_level = disabled" \
  "smtpd_tls_security_level = may" \
  "smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem" \
  "smtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key"
exec postfix start-fg
