#!/usr/bin/env python3
"""Tamper campaign (issues 8 and 19): random single tamperings of a sealed store, each of which
`vigil verify --pubkey` must report with the right kind and first broken sequence number,
plus untouched copies that must verify. Issue 19 added an index entry pointed at another
row, a planted trigger, view or index, a row resealed with its own entry only, a chain
recomputed and cut (verified with the detached checkpoint too), and another store sealed with
the same key carrying this store's id (likewise).

Usage: tamper_campaign.py VIGIL MAKE_STORE WORKDIR [TAMPERINGS] [SEED]
TAMPERINGS (default 1000) counts checked tamperings; an untouched copy is checked after each
turn of the fourteen kinds, and a drawn tampering that cannot be made is skipped, not counted.
Each store is verified twice: as vigil reads it by default (rows from the file's pages where it
can) and with VIGIL_VERIFY_READER=sql; the two JSON answers must be equal but for "reader".
Prints one line per failure, how many answers each reader gave, and a closing "N tamperings
and U untouched copies checked: P passed, F failed".
The attacker's recomputation uses the encoding of independent_verify.py (vigil-store(5)).
"""
import importlib.util, itertools, json, os, random, shutil, sqlite3, struct, subprocess, sys, hashlib

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("iv", os.path.join(HERE, "independent_verify.py"))
iv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(iv)

CHAINED = ("batches", "events", "quarantine", "incidents", "incident_events", "scores",
           "reviews", "alerts", "reports", "checkpoints",
           "correlate_runs", "incident_updates", "first_seen",
           "score_runs", "models", "event_scores", "profiles",
           "alert_runs", "alert_deliveries")


def connect(path):
    con = sqlite3.connect(path, isolation_level=None)
    con.text_factory = iv.Text if hasattr(iv, "Text") else bytes
    return con


def entries(con):
    return con.execute("SELECT seq, tbl, row_id FROM chain ORDER BY seq").fetchall()


def as_str(v):
    return bytes(v).decode() if isinstance(v, (bytes, bytearray)) else v


def recompute_chain(con):
    """The forger: recompute every record and link hash from the spec."""
    prev = b"\0" * 32
    for seq, tbl, row_id in entries(con):
        tbl = as_str(tbl)
        row = con.execute(f"SELECT * FROM {tbl} WHERE id = ?", (row_id,)).fetchone()
        values = list(row[1:])
        while values and values[-1] is None:
            values.pop()
        record = hashlib.sha256(b"vigil-record-v1\0" + b"".join(iv.enc(v) for v in values)).digest()
        t = tbl.encode()
        link = hashlib.sha256(b"vigil-chain-v1\0" + prev + struct.pack(">Q", seq) +
                              struct.pack(">I", len(t)) + t + struct.pack(">q", row_id) +
                              record).digest()
        con.execute("UPDATE chain SET record_hash = ?, chain_hash = ? WHERE seq = ?",
                    (record, link, seq))
        prev = link


def reseal_entry(con, seq):
    """The forger's finer tool: reseal one entry from its row as it is now and the stored hash
    before it, leaving every later entry as it was."""
    tbl, row_id = con.execute("SELECT tbl, row_id FROM chain WHERE seq = ?", (seq,)).fetchone()
    tbl = as_str(tbl)
    prev = bytes(con.execute("SELECT chain_hash FROM chain WHERE seq = ?", (seq - 1,)).fetchone()[0])
    row = con.execute(f"SELECT * FROM {tbl} WHERE id = ?", (row_id,)).fetchone()
    values = list(row[1:])
    while values and values[-1] is None:
        values.pop()
    record = hashlib.sha256(b"vigil-record-v1\0" + b"".join(iv.enc(v) for v in values)).digest()
    t = tbl.encode()
    link = hashlib.sha256(b"vigil-chain-v1\0" + prev + struct.pack(">Q", seq) +
                          struct.pack(">I", len(t)) + t + struct.pack(">q", row_id) +
                          record).digest()
    con.execute("UPDATE chain SET record_hash = ?, chain_hash = ? WHERE seq = ?",
                (record, link, seq))


def modify_row(con, rng, tbl, row_id):
    """Changes one non-NULL column of a row; False when the drawn change changes nothing."""
    cols = [as_str(c[1]) for c in con.execute(f"PRAGMA table_info({tbl})")][1:]
    row = con.execute(f"SELECT * FROM {tbl} WHERE id = ?", (row_id,)).fetchone()[1:]
    choices = [(c, v) for c, v in zip(cols, row) if v is not None and c != "record_key"]
    col, value = rng.choice(choices)
    if isinstance(value, int):
        new = value + rng.choice([1, -1, 1 << 20])
    elif isinstance(value, float):
        new = value + 0.5
    else:
        b = bytearray(bytes(value))
        if not b:
            return False
        i = rng.randrange(len(b))
        b[i] = ord("A") + (b[i] + 1 - ord("A")) % 26 if 0x20 <= b[i] < 0x7f else ord("A")
        new = bytes(b).decode("utf-8", "replace") if isinstance(value, iv.Text) else bytes(b)
        if isinstance(value, iv.Text) and new.encode() == bytes(value):
            return False
    con.execute(f"UPDATE {tbl} SET {col} = ? WHERE id = ?", (new, row_id))
    return True


def cut_after(con, keep):
    """Deletes every entry after `keep` and the rows they seal, and lowers the counter."""
    for (tbl,) in con.execute("SELECT DISTINCT tbl FROM chain WHERE seq > ?", (keep,)).fetchall():
        tbl = as_str(tbl)
        con.execute(f"DELETE FROM {tbl} WHERE id IN (SELECT row_id FROM chain WHERE tbl = ? "
                    "AND seq > ?)", (tbl, keep))
    con.execute("DELETE FROM chain WHERE seq > ?", (keep,))
    con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'chain'", (keep,))


# (index, table, column it keys): an entry of the index is made to say another value.
INDEXES = [("scores_by_incident", "scores", "incident_id"),
           ("incident_events_unique", "incident_events", "incident_id"),
           ("incident_events_by_event", "incident_events", "event_id"),
           ("events_by_time", "events", "ts_us"),
           ("events_by_key", "events", "record_key"),
           ("chain_by_row", "chain", "row_id")]

PLANTED = ["CREATE TRIGGER keep_quiet BEFORE INSERT ON events WHEN NEW.source_ip = '203.0.113.9' "
           "BEGIN SELECT RAISE(IGNORE); END",
           "CREATE TRIGGER no_reviews BEFORE INSERT ON reviews BEGIN SELECT RAISE(IGNORE); END",
           "CREATE VIEW recent AS SELECT * FROM events",
           "CREATE INDEX events_by_ip ON events(source_ip)",
           "DROP INDEX incident_events_by_incident"]


def tamper(kind, con, rng, ctx):
    """Applies one tampering; returns (expected kind, expected first broken seq) or None."""
    ents = entries(con)
    head = ents[-1][0]
    sealed = ctx["sealed_size"]
    by_row = {(as_str(t), r): s for s, t, r in ents}
    if kind == "modify":
        seq, tbl, row_id = rng.choice(ents)
        tbl = as_str(tbl)
        cols = [as_str(c[1]) for c in con.execute(f"PRAGMA table_info({tbl})")][1:]
        row = con.execute(f"SELECT * FROM {tbl} WHERE id = ?", (row_id,)).fetchone()[1:]
        choices = [(c, v) for c, v in zip(cols, row) if v is not None and c != "record_key"]
        col, value = rng.choice(choices)
        if isinstance(value, int):
            new = value + rng.choice([1, -1, 1 << 20])
        elif isinstance(value, float):
            new = value + 0.5
        else:
            b = bytearray(bytes(value))
            if not b:
                return None
            i = rng.randrange(len(b))
            b[i] = ord("A") + (b[i] + 1 - ord("A")) % 26 if 0x20 <= b[i] < 0x7f else ord("A")
            new = bytes(b).decode("utf-8", "replace") if isinstance(value, iv.Text) else bytes(b)
            if isinstance(value, iv.Text) and new.encode() == bytes(value):
                return None
        con.execute(f"UPDATE {tbl} SET {col} = ? WHERE id = ?", (new, row_id))
        return ("modified", seq)
    if kind == "delete_row":
        seq, tbl, row_id = rng.choice(ents)
        con.execute(f"DELETE FROM {as_str(tbl)} WHERE id = ?", (row_id,))
        return ("deleted", seq)
    if kind == "delete_row_and_entry":
        seq, tbl, row_id = rng.choice(ents)
        con.execute(f"DELETE FROM {as_str(tbl)} WHERE id = ?", (row_id,))
        con.execute("DELETE FROM chain WHERE seq = ?", (seq,))
        return ("truncated" if seq == head else "deleted", seq)
    if kind == "insert_row":
        seq, tbl, row_id = rng.choice([e for e in ents if as_str(e[1]) == "events"])
        cols = [as_str(c[1]) for c in con.execute("PRAGMA table_info(events)")][1:]
        new_id = con.execute("SELECT max(id) FROM events").fetchone()[0] + rng.randint(1, 5)
        sel = ", ".join("randomblob(32)" if c == "record_key" else c for c in cols)
        con.execute(f"INSERT INTO events(id, {', '.join(cols)}) SELECT ?, {sel} FROM events "
                    "WHERE id = ?", (new_id, row_id))
        return ("inserted", head + 1)
    if kind == "duplicate_entry":
        # A second chain entry for a row that already has one, appended after the head. The
        # UNIQUE index on (tbl, row_id) would refuse it; a forger drops the index first.
        seq, tbl, row_id = rng.choice(ents)
        con.execute("DROP INDEX IF EXISTS chain_by_row")
        con.execute("INSERT INTO chain(seq, tbl, row_id, record_hash, chain_hash) "
                    "SELECT ?, tbl, row_id, record_hash, chain_hash FROM chain WHERE seq = ?",
                    (head + 1, seq))
        return ("inserted", head + 1)
    if kind == "swap_rows":
        tbl = rng.choice(["events", "incidents", "scores", "incident_events"])
        ids = [r for (t, r) in by_row if t == tbl]
        a, b = rng.sample(ids, 2)
        ra = con.execute(f"SELECT * FROM {tbl} WHERE id = ?", (a,)).fetchone()[1:]
        rb = con.execute(f"SELECT * FROM {tbl} WHERE id = ?", (b,)).fetchone()[1:]
        if ra == rb:
            return None
        con.execute(f"UPDATE {tbl} SET id = -1 WHERE id = ?", (a,))
        con.execute(f"UPDATE {tbl} SET id = ? WHERE id = ?", (a, b))
        con.execute(f"UPDATE {tbl} SET id = ? WHERE id = -1", (b,))
        return ("reordered", min(by_row[(tbl, a)], by_row[(tbl, b)]))
    if kind == "truncate":
        k = rng.randint(1, 8)
        for seq, tbl, row_id in ents[-k:]:
            con.execute(f"DELETE FROM {as_str(tbl)} WHERE id = ?", (row_id,))
        con.execute("DELETE FROM chain WHERE seq > ?", (head - k,))
        return ("truncated", head - k + 1)
    if kind == "rewrite":
        seq, tbl, row_id = rng.choice([e for e in ents if e[0] <= sealed])
        tbl = as_str(tbl)
        if tbl == "checkpoints":
            return None
        # A NULL integer stays NULL when incremented: only a column holding a number changes
        # the row (scores.run_id is NULL in the synthetic store, and a rewrite of nothing
        # leaves nothing to find).
        cols = [as_str(c[1]) for c in con.execute(f"PRAGMA table_info({tbl})")
                if as_str(c[2]) == "INTEGER" and as_str(c[1]) != "id"]
        cols = [c for c in cols if con.execute(f"SELECT {c} IS NOT NULL FROM {tbl} WHERE id = ?",
                                               (row_id,)).fetchone()[0]]
        if not cols:
            return None
        con.execute(f"UPDATE {tbl} SET {cols[-1]} = {cols[-1]} + 1 WHERE id = ?", (row_id,))
        recompute_chain(con)
        return ("rewritten", 1)
    if kind == "index":
        # With writable_schema, SQLite is told the index is gone while the row is changed and
        # changed back: the index keeps an entry naming the row with the changed value.
        index, tbl, col = rng.choice(INDEXES)
        key = "seq" if tbl == "chain" else "id"
        row_id = rng.choice(con.execute(f"SELECT {key} FROM {tbl}").fetchall())[0]
        was = con.execute(f"SELECT {col} FROM {tbl} WHERE {key} = ?", (row_id,)).fetchone()[0]
        if isinstance(was, int):
            new = was + rng.choice([1, 2, 1 << 20])
        else:
            new = bytes(rng.getrandbits(8) for _ in range(len(bytes(was))))
        con.execute(f"UPDATE {tbl} SET {col} = ? WHERE {key} = ?", (new, row_id))
        con.execute("PRAGMA writable_schema = ON")
        saved = con.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema "
                            "WHERE name = ?", (index,)).fetchone()
        con.execute("DELETE FROM sqlite_schema WHERE name = ?", (index,))
        con.execute("PRAGMA writable_schema = RESET")
        # Other SQL text than the first UPDATE: Python's statement cache would otherwise run
        # the statement prepared while SQLite still knew the index.
        con.execute(f"UPDATE {tbl} SET {col} = ?1 WHERE {key} = ?2", (was, row_id))
        con.execute("PRAGMA writable_schema = ON")
        con.execute("INSERT INTO sqlite_schema(type, name, tbl_name, rootpage, sql) "
                    "VALUES (?, ?, ?, ?, ?)", [as_str(v) for v in saved])
        con.execute("PRAGMA writable_schema = RESET")
        return ("index", row_id if tbl == "chain" else by_row[(tbl, row_id)])
    if kind == "schema":
        con.execute(rng.choice(PLANTED))
        return ("schema", None)
    if kind == "reseal_one":
        # A row changed together with its own chain entry only: the entry after it no longer
        # links, and the changed row is the first broken record. Below the checkpoint, so that
        # a later entry follows it and the checkpoint itself still matches.
        seq, tbl, row_id = rng.choice([e for e in ents if 2 <= e[0] < sealed])
        tbl = as_str(tbl)
        if not modify_row(con, rng, tbl, row_id):
            return None
        reseal_entry(con, seq)
        return ("modified", seq)
    if kind == "recompute_cut":
        # Change a row, cut the tail (with the in-store checkpoint), recompute the chain. Only
        # the detached checkpoint shows it, and nothing vouches for any entry kept: seq 1.
        keep = rng.randint(2, sealed - 1)  # shorter than the detached checkpoint
        seq, tbl, row_id = rng.choice([e for e in ents if e[0] <= keep])
        if not modify_row(con, rng, as_str(tbl), row_id):
            return None
        cut_after(con, keep)
        recompute_chain(con)
        return ("truncated", 1)
    if kind == "foreign":
        # The round's store is another one, sealed with the same key: give it this store's id.
        con.execute("UPDATE meta SET value = ? WHERE key = 'store_id'", (ctx["store_id"],))
        size = con.execute("SELECT max(seq) FROM chain").fetchone()[0]
        return ("truncated" if size < sealed else "rewritten", 1)
    if kind == "replace_checkpoint":
        # Drop the real checkpoint (row and entry, counter lowered) and re-seal with a forged key.
        cp_seq = by_row[("checkpoints", 1)]
        con.execute("DELETE FROM checkpoints")
        con.execute("DELETE FROM chain WHERE seq = ?", (cp_seq,))
        con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'chain'", (cp_seq - 1,))
        con.execute("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'checkpoints'")
        return ("bad_signature", "forge")
    raise ValueError(kind)


KINDS = ["modify", "delete_row", "delete_row_and_entry", "insert_row", "duplicate_entry",
         "swap_rows", "truncate", "rewrite", "replace_checkpoint", "index", "schema",
         "reseal_one", "recompute_cut", "foreign", "untouched"]
DETACHED = ("recompute_cut", "foreign")  # verified with the checkpoint kept off the machine


def main():
    vigil, make_store, work = sys.argv[1:4]
    wanted = int(sys.argv[4]) if len(sys.argv) > 4 else 1000  # tamperings to check
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = os.path.join(work, "base.db")
    subprocess.run([make_store, base, "200", "3"], check=True)
    for name in ("real", "forger"):
        subprocess.run([vigil, "keygen", "--quiet", "--name", "soc", "--out",
                        os.path.join(work, name)], check=True)
    subprocess.run([vigil, "--db", base, "seal", "--quiet", "--key",
                    os.path.join(work, "real.key"), "--out", os.path.join(work, "cp")],
                   check=True, stdout=subprocess.DEVNULL)
    con = sqlite3.connect(base)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sealed = con.execute("SELECT size FROM checkpoints").fetchone()[0]
    store_id = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]
    con.close()
    ctx = {"sealed_size": sealed, "store_id": store_id}
    # Other stores sealed with the same key, one shorter and one longer than this one.
    foreign = []
    for events in (150, 250):
        path = os.path.join(work, f"foreign{events}.db")
        subprocess.run([make_store, path, str(events), "3", "9"], check=True)
        subprocess.run([vigil, "--db", path, "seal", "--quiet", "--key",
                        os.path.join(work, "real.key"), "--out", path + ".cp"],
                       check=True, stdout=subprocess.DEVNULL)
        c = sqlite3.connect(path)
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()
        foreign.append(path)
    passed = failed = skipped = 0
    counts = {}
    readers = {}  # the reader each default run named
    db = os.path.join(work, "t.db")
    # Kinds take turns (an untouched copy after each round of tamperings) until `wanted`
    # tamperings were checked; a tampering impossible as drawn is skipped and not counted.
    tamperings = 0
    for n in itertools.count():
        if tamperings == wanted:
            break
        kind = KINDS[n % len(KINDS)]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        shutil.copyfile(rng.choice(foreign) if kind == "foreign" else base, db)
        want = ("VERIFIED", None)
        if kind != "untouched":
            c = connect(db)
            try:
                want = tamper(kind, c, rng, ctx)
            except sqlite3.IntegrityError:
                # The edit collides with a UNIQUE index (incident_events, first_seen): that
                # round's tampering is impossible as drawn, so it counts as skipped.
                want = None
            c.close()
            if want is None:
                skipped += 1
                continue
            if want[1] == "forge":
                subprocess.run([vigil, "--db", db, "seal", "--quiet", "--key",
                                os.path.join(work, "forger.key")], check=True,
                               stdout=subprocess.DEVNULL)
                c = sqlite3.connect(db)
                want = ("bad_signature", c.execute("SELECT max(seq) FROM chain").fetchone()[0])
                c.close()
        verify = [vigil, "--db", db, "verify", "--format", "json", "--pubkey",
                  os.path.join(work, "real.pub")]
        if kind in DETACHED:
            verify += ["--checkpoint", os.path.join(work, "cp")]
        p = subprocess.run(verify, capture_output=True, text=True)
        q = subprocess.run(verify, capture_output=True, text=True,
                           env=dict(os.environ, VIGIL_VERIFY_READER="sql"))
        counts[kind] = counts.get(kind, 0) + 1
        tamperings += kind != "untouched"
        try:
            got, sql = json.loads(p.stdout), json.loads(q.stdout)
        except json.JSONDecodeError:
            failed += 1
            print(f"FAIL round {n} {kind}: exit {p.returncode}, {q.returncode}: "
                  f"{p.stderr.strip()} {q.stderr.strip()}")
            continue
        readers[got["reader"]] = readers.get(got["reader"], 0) + 1
        if (p.returncode, {**got, "reader": None}) != (q.returncode, {**sql, "reader": None}):
            failed += 1
            print(f"FAIL round {n} {kind}: read as {got['reader']} and through SQL, the "
                  f"answers differ")
            continue
        if want[0] == "VERIFIED":
            ok = got["status"] == "VERIFIED" and p.returncode == 0
        else:
            first = got["problems"][0] if got["problems"] else {}
            ok = (got["status"] == "TAMPERED" and p.returncode == 1 and
                  got["first_broken_seq"] == want[1] and first.get("kind") == want[0] and
                  first.get("seq") == want[1])
        if ok:
            passed += 1
        else:
            failed += 1
            first = got["problems"][0] if got.get("problems") else None
            print(f"FAIL round {n} {kind}: wanted {want}, got first_broken_seq "
                  f"{got.get('first_broken_seq')} first problem {first}")
    print("checked per kind:", json.dumps(counts, sort_keys=True), f"(skipped {skipped})")
    print("rows read:", json.dumps(readers, sort_keys=True), "(the same answer through SQL)")
    print(f"{tamperings} tamperings and {counts.get('untouched', 0)} untouched copies checked: "
          f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
