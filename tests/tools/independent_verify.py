#!/usr/bin/env python3
"""Independent verifier for a vigil audit store.

Written from the man page vigil-store(5) alone (no vigil source was read),
to show that the page is enough to re-implement the chain check.  It checks
everything VERIFYING describes that needs no Ed25519 (the standard library
has none): record hashes, malformed entries, links, gaps, missing rows,
uncovered rows, duplicate entries, unknown tables, entries numbered below 1,
and a truncated chain (sqlite_sequence counter above the head).  It does not
verify checkpoint signatures, so it reports no bad_signature, rewritten, or
truncation shown only by a checkpoint's size (a stored checkpoint's own
entry follows the entries it covers, so cutting those leaves its row uncovered).

Usage: python3 independent_verify.py STORE.db
Prints {"status", "records", "head", "first_broken_seq"} as JSON on stdout;
exits 0 when VERIFIED, 1 when TAMPERED, 2 when the store cannot be read.
"""
import hashlib, json, sqlite3, struct, sys, urllib.parse

CHAINED = ("batches", "events", "quarantine", "incidents", "incident_events",
           "scores", "reviews", "alerts", "reports", "checkpoints",
           "correlate_runs", "incident_updates", "first_seen",
           "score_runs", "models", "event_scores", "profiles",
           "alert_runs", "alert_deliveries")
ZERO = bytes(32)


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
                          + tbl.encode() + struct.pack(">q", row_id) + rec).digest()


def hash32(v):
    """A well-formed hash: a BLOB (not TEXT) of exactly 32 bytes; None otherwise."""
    return v if type(v) is bytes and len(v) == 32 else None


def main(path):
    db = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(path), uri=True)
    db.text_factory = Text
    if db.execute("PRAGMA encoding").fetchone()[0] != b"UTF-8":
        raise sqlite3.DatabaseError("text encoding is not UTF-8")
    present = {r[0].decode() for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    rows = {t: {r[0]: r[1:] for r in db.execute('SELECT * FROM "%s"' % t)}
            for t in CHAINED if t in present}
    entries = db.execute("SELECT seq, tbl, row_id, record_hash, chain_hash FROM chain ORDER BY seq").fetchall()
    head = entries[-1][0] if entries else 0
    stored = {e[0]: hash32(e[4]) for e in entries}  # prev of entry seq+1 (None: malformed)
    problems, bad, covered, expected = [], {}, {}, 1   # bad: broken entry -> hash it should have
    for seq, tbl, row_id, rec, chash in entries:
        if seq > expected:                          # deleted: first seq missing in a gap
            problems.append(expected)
        expected, should = max(expected, seq + 1), None
        name = tbl.decode("utf-8", "replace") if isinstance(tbl, Text) else None
        names_row = name in CHAINED and type(row_id) is int  # else malformed / unknown table
        rec, chash = hash32(rec), hash32(chash)
        # modified: malformed (its link fails); inserted: unknown table, or numbered below 1
        broken = not names_row or rec is None or chash is None or seq < 1
        if names_row and rec is not None and seq >= 1:
            # prev: the hash stored in entry seq-1, or the one seq-1 should have had if broken
            prevs = [ZERO] if seq == 1 else [stored.get(seq - 1), bad.get(seq - 1)]
            links = [p and link_hash(p, seq, name, row_id, rec) for p in prevs]
            if seq == 1 or seq - 1 in stored:       # entry seq-1 missing: link not checked
                broken = broken or chash not in links   # modified: link fails
            should = links[0]
        if names_row:                               # inserted: a second entry for one row;
            row = rows.get(name, {}).get(row_id)    # deleted: row missing; modified: hash
            broken = broken or (name, row_id) in covered or row is None or record_hash(row) != rec
            covered.setdefault((name, row_id), seq)
        if broken:
            bad[seq] = should; problems.append(seq)
    for name, table in rows.items():                # inserted: rows no entry covers
        for row_id in table:
            if (name, row_id) not in covered:
                later = [s for (t, r), s in covered.items() if t == name and r > row_id]
                problems.append(min(later) if later else head + 1)
    counter = db.execute("SELECT seq FROM sqlite_sequence WHERE name='chain'").fetchone()
    if counter and counter[0] > head:               # truncated
        problems.append(head + 1)
    head_hash = entries[-1][4] if entries else ZERO
    report = {"status": "TAMPERED" if problems else "VERIFIED", "records": len(entries),
              "head": bytes(head_hash).hex() if isinstance(head_hash, bytes) else None,
              "first_broken_seq": min(problems) if problems else None}
    print(json.dumps(report))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: independent_verify.py STORE.db", file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1]))
    except sqlite3.Error as err:
        print("independent_verify.py: %s: %s" % (sys.argv[1], err), file=sys.stderr)
        sys.exit(2)
