#!/usr/bin/env bash
# Prints each failed test in the given TRX files with the first lines of its message, so the end of a CI log
# names what failed even when only its tail is kept. One awk record per <UnitTestResult> element (TRX writers may put
# several on one line, and a message spans many).
for trx in "$@"; do
  [ -e "$trx" ] || continue
  awk 'BEGIN { RS = "<UnitTestResult " }
    NR > 1 {
      head = $0; sub(/>.*/, "", head)
      if (head !~ /outcome="(Failed|Error|Timeout|Aborted)"/) next
      name = head; sub(/.*testName="/, "", name); sub(/".*/, "", name)
      print "FAILED " name
      if (match($0, /<Message>[^<]*/)) {
        message = substr($0, RSTART + 9, RLENGTH - 9)
        n = split(message, lines, "\n")
        for (i = 1; i <= n && i <= 6; i++) print "    " lines[i]
      }
    }' "$trx" | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
done
