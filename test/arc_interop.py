#!/usr/bin/python3
"""arc_interop.py - python3-dkim (dkimpy) as the other side of ARC.

  arc_interop.py sign ZONE KEY.pem DOMAIN SELECTOR SRV_ID < MSG > SEALED
      seals MSG with dkim.arc_sign() (its AAR from MSG's
      Authentication-Results for SRV_ID, as dkimpy does)
  arc_interop.py verify ZONE < MSG
      prints "cv=<status> <reason>" from dkim.arc_verify(); exit 0 on pass
  arc_interop.py algorithms
      prints the ARC algorithms this dkimpy implements

Keys are looked up in ZONE (test/e2e_sign's zone lines), not in DNS.
"""
import re
import sys

import dkim
import dkim.crypto


def zone_records(path):
    records = {}
    text = open(path).read()
    for m in re.finditer(r'^(\S+)\s+TXT\s+\(?((?:\s*"[^"]*")+)\s*\)?',
                         text, re.M):
        name = m.group(1).rstrip('.').lower()
        records[name] = ''.join(re.findall(r'"([^"]*)"', m.group(2)))
    return records


def dns_from(path):
    records = zone_records(path)

    def lookup(name, timeout=5):
        key = name.decode() if isinstance(name, bytes) else name
        value = records.get(key.rstrip('.').lower())
        return value.encode() if value is not None else None
    return lookup


def main():
    if sys.argv[1:2] == ['algorithms']:
        print(' '.join(sorted(a.decode()
                              for a in dkim.crypto.ARC_HASH_ALGORITHMS)))
        return 0
    message = sys.stdin.buffer.read()
    if sys.argv[1:2] == ['sign'] and len(sys.argv) == 7:
        zone, key, domain, selector, srv_id = sys.argv[2:]
        sigs = dkim.arc_sign(message, selector.encode(), domain.encode(),
                             open(key, 'rb').read(), srv_id.encode(),
                             linesep=b'\r\n')
        if not sigs:
            print('arc_interop: dkimpy added no set', file=sys.stderr)
            return 1
        for line in sigs:
            sys.stdout.buffer.write(line.replace(b'\r\n', b'\n'))
        sys.stdout.buffer.write(message)
        return 0
    if sys.argv[1:2] == ['verify'] and len(sys.argv) == 3:
        cv, _, reason = dkim.arc_verify(message, dnsfunc=dns_from(sys.argv[2]))
        status = cv.decode() if cv is not None else 'terminated'
        print('cv=%s %s' % (status, reason))
        return 0 if cv == dkim.CV_Pass else 1
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == '__main__':
    sys.exit(main())
