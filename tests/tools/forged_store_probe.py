#!/usr/bin/env python3
"""Forged-store probe (issue 8): every read command must survive a store whose data a forger
rewrote. Builds a store from samples/ (ingest, correlate, score, alert, review), then, for
every column of every table and each hostile value, overwrites that column in every row of a
copy and runs each read command on it. verify must answer TAMPERED, and give the same JSON
answer (but for "reader") when it reads every row through SQL (VIGIL_VERIFY_READER=sql); the
others may refuse (exit 1 to 4) but never fail inside (exit 5) or die on a signal.

Usage: forged_store_probe.py VIGIL WORKDIR [TABLE ...]   (default: every table)
Prints one line per failure and a closing "N runs, M failures"; exits 1 on any failure.
"""
import json, os, shutil, sqlite3, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "samples")

VALUES = ["", "{", "[1,", '{"a":[', "null", "-1", "9223372036854775807",
          -9223372036854775808, 1e308, "x" * 100000, "\x1b[2J\x9b", b"\xff\xfe\x00"]


def commands(work):
    return [["report"], ["--format", "json", "report"], ["--format", "markdown", "report"],
            ["export", "--format", "csv"], ["export", "--format", "pdf", "-o", work + "/o.pdf"],
            ["export", "--events", "--format", "json"], ["stats"], ["profile"],
            ["profile", "root"], ["score", "--explain", "1"], ["alert", "--history"],
            ["--format", "json", "verify"], ["correlate", "--dry-run"], ["score", "--dry-run"],
            ["alert", "--dry-run"]]


def same_answer(by_default, through_sql):
    """Whether two `verify --format json` runs (exit code, output) agree but for "reader"."""
    try:
        a, b = json.loads(by_default[1]), json.loads(through_sql[1])
    except json.JSONDecodeError:
        return by_default == through_sql
    return (by_default[0], {**a, "reader": None}) == (through_sql[0], {**b, "reader": None})


def build_base(vigil, base):
    def run(*args, ok=(0,)):
        r = subprocess.run([vigil, "--db", base, "--quiet"] + list(args), capture_output=True)
        if r.returncode not in ok:
            sys.exit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.decode()}")
    inputs = ["events.ndjson", "auth.log", "windows-purplesharp.jsonl", "zeek-apt29-victim.log",
              "cloudtrail-s3-exfiltration.json"]
    run("ingest", *[os.path.join(SAMPLES, f) for f in inputs], ok=(0, 3))  # 18 bad lines
    run("correlate")
    run("--config", os.path.join(SAMPLES, "vigil.yml"), "score")
    run("alert")
    run("review", "1", "--approve", "--analyst", "probe")
    con = sqlite3.connect(base)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    vigil, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    only = set(sys.argv[3:])
    os.makedirs(work, exist_ok=True)
    base = os.path.join(work, "base.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(base + suffix):
            os.remove(base + suffix)
    build_base(vigil, base)
    con = sqlite3.connect(base)
    chained = {r[0] for r in con.execute("SELECT DISTINCT tbl FROM chain")} | {"chain"}
    cols = con.execute("SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p "
                       "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
                       "ORDER BY m.name, p.cid").fetchall()
    con.close()
    runs = failures = 0
    forged = os.path.join(work, "forged.db")
    for table, column in cols:
        if only and table not in only:
            continue
        for i, value in enumerate(VALUES):
            shutil.copy(base, forged)
            con = sqlite3.connect(forged)
            try:
                changed = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT ?',
                                      (value,)).fetchone()[0]
                con.execute(f'UPDATE "{table}" SET "{column}" = ?', (value,))
                con.commit()
            except sqlite3.Error:
                continue  # a constraint refused this value: nothing to probe
            finally:
                con.close()
            for cmd in commands(work):
                r = subprocess.run([vigil, "--db", forged] + cmd, capture_output=True,
                                   timeout=300)
                runs += 1
                # A changed sealed value that verify does not see is a failure too, and so is
                # an answer that depends on how verify read the rows.
                verify = cmd[-1] == "verify"
                missed = verify and r.returncode == 0 and changed > 0 and table in chained
                if verify:
                    q = subprocess.run([vigil, "--db", forged] + cmd, capture_output=True,
                                       timeout=300, env=dict(os.environ, VIGIL_VERIFY_READER="sql"))
                    if not same_answer((r.returncode, r.stdout), (q.returncode, q.stdout)):
                        missed = True
                        print(f"{table}.{column} = value {i}: verify answers differently "
                              f"through SQL", flush=True)
                if r.returncode >= 5 or r.returncode < 0 or missed:
                    failures += 1
                    print(f"{table}.{column} = value {i}: vigil {' '.join(cmd)} -> exit "
                          f"{r.returncode}: {r.stderr[-300:].decode(errors='replace')}",
                          flush=True)
    print(f"{runs} runs, {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
