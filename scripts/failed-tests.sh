#!/usr/bin/env bash
# Prints each failed test in the given TRX files with the first lines of its message, so the end of a CI log
# names what failed even when only its tail is kept.
for trx in "$@"; do
  [ -e "$trx" ] || continue
  awk '
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
      name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name); failing = 1; inMessage = 0; shown = 0
      print "FAILED " name; next
    }
    failing && /<Message>/ { inMessage = 1; sub(/.*<Message>/, "") }
    failing && inMessage {
      line = $0; done = sub(/<\/Message>.*/, "", line)
      if (shown < 6) { print "    " line; shown++ }
      if (done) { inMessage = 0; failing = 0 }
    }
    /<\/UnitTestResult>/ { failing = 0; inMessage = 0 }
  ' "$trx" | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
done
