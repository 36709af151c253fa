#!/usr/bin/env python3
"""Independent verifier for a vigil audit store.

Written from the man page vigil-store(5) alone (no vigil source was read),
to show that the page is enough to re-implement the chain check.  It checks
everything VERIFYING describes except checkpoint signatures (the standard
library has no Ed25519): record hashes, links, gaps, missing rows, uncovered
rows, duplicate entries, unknown tables, and a truncated chain.

Usage: python3 independent_verify.py STORE.db
Prints {"status", "records", "head", "first_broken_seq"} as JSON on stdout;
exits 0 when VERIFIED, 1 when TAMPERED, 2 when the store cannot be read.
"""
import hashlib, json, sqlite3, struct, sys, urllib.parse

CHAINED = ("batches", "events", "quarantine", "incidents", "incident_events",
           "scores", "reviews", "alerts", "reports", "checkpoints")


class Text(bytes):
    """A TEXT value: its stored UTF-8 bytes, kept apart from BLOBs."""


def enc(v):
    if v is None:
        return b"\x00"
    if isinstance(v, int):
        return b"\x01" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"\x02" + struct.pack(">d", v)  # same bits as u64 of binary64
    tag = b"\x03" if isinstance(v, Text) else b"\x04"
    return tag + struct.pack(">I", len(v)) + bytes(v)


def record_hash(values):
    values = list(values)
    while values and values[-1] is None:  # drop trailing NULLs
        values.pop()
    return hashlib.sha256(b"vigil-record-v1\x00" + b"".join(map(enc, values))).digest()


def link_hash(prev, seq, tbl, row_id, rec):
    return hashlib.sha256(b"vigil-chain-v1\x00" + prev + struct.pack(">QI", seq, len(tbl))
                          + tbl + struct.pack(">q", row_id) + rec).digest()


def blob(v):
    """The stored bytes of a TEXT or BLOB value; None for any other type."""
    return bytes(v) if isinstance(v, bytes) else None


def main(path):
    db = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(path), uri=True)
    db.text_factory = Text
    present = {r[0].decode() for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    rows = {t: {r[0]: r[1:] for r in db.execute('SELECT * FROM "%s"' % t)}
            for t in CHAINED if t in present}
    entries = db.execute("SELECT seq, tbl, row_id, record_hash, chain_hash FROM chain ORDER BY seq").fetchall()
    stored = {e[0]: blob(e[4]) for e in entries}
    head = entries[-1][0] if entries else 0
    broken, covered = [], {}                      # broken: seq of every problem found
    expected = 1
    for seq, tbl, row_id, rec, chash in entries:
        if seq < expected:                        # seq below 1: numbered out of sequence
            broken.append(seq); continue
        if seq > expected:                        # gap: seqs expected..seq-1 are deleted
            broken.append(expected)
        expected = seq + 1
        tbl, rec, chash = tbl if isinstance(tbl, Text) else None, blob(rec), blob(chash)
        if None in (tbl, rec, chash) or not isinstance(row_id, int):
            broken.append(seq); continue          # malformed entry (NULL or wrong type)
        prev = b"\x00" * 32 if seq == 1 else stored.get(seq - 1)
        if prev is not None and link_hash(prev, seq, tbl, row_id, rec) != chash:
            broken.append(seq)                    # modified: link fails
        name = tbl.decode("utf-8", "replace")
        if name not in CHAINED:
            broken.append(seq); continue          # inserted: entry for an unknown table
        if (name, row_id) in covered:
            broken.append(seq); continue          # inserted: a second entry for one row
        covered[(name, row_id)] = seq
        row = rows.get(name, {}).get(row_id)
        if row is None or record_hash(row) != rec:
            broken.append(seq)                    # deleted (row missing) or modified
    for name, table in rows.items():              # inserted: rows no entry covers
        for row_id in table:
            if (name, row_id) not in covered:
                later = [s for (t, r), s in covered.items() if t == name and r > row_id]
                broken.append(min(later) if later else head + 1)
    counter = db.execute("SELECT seq FROM sqlite_sequence WHERE name='chain'").fetchone()
    if counter and counter[0] > head:             # truncated
        broken.append(head + 1)
    report = {"status": "TAMPERED" if broken else "VERIFIED", "records": len(entries),
              "head": (stored.get(head) or bytes(32)).hex(),
              "first_broken_seq": min(broken) if broken else None}
    print(json.dumps(report))
    return 1 if broken else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: independent_verify.py STORE.db", file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1]))
    except sqlite3.Error as err:
        print("independent_verify.py: %s: %s" % (sys.argv[1], err), file=sys.stderr)
        sys.exit(2)

