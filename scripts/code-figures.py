#!/usr/bin/env python3
"""Architecture figures for the Rust code under app/src and server/src.

Prints, in plain text: the longest files; the longest functions (and which of those over
60 lines say why in a comment); how thick the Leptos server functions are; SQL written
outside store files; and import cycles between modules of the `app` crate, plus imports
from the shared core into domain modules. The point is a repeatable before/after
measure for refactors: run it on two checkouts (`--root`) and compare.

It is a lexer plus regexes, not a Rust parser: strings, raw strings, char literals and
comments are blanked out before braces and paths are matched. Test code is skipped:
`server/tests`, `server/benches`, `#[cfg(test)] mod x { ... }` blocks and the files of
`#[cfg(test)] mod x;` declarations. Standard library only.
"""
import argparse
import bisect
import re
import time
from pathlib import Path

# One regex finds the next thing that is not code. A lone `'` that does not close a
# char literal after one (escaped) char is a lifetime or a label, so it stays code.
TOKEN = re.compile(r"""(?P<lc>//[^\n]*)|(?P<bc>/\*)|(?P<raw>(?<![\w])b?r(?P<hashes>\#*)")
    |(?P<str>(?:(?<![\w])b)?")
    |(?P<chr>(?:(?<![\w])b)?'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^\\'\n])')""", re.X)
STR_BODY = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
FN_RE = re.compile(r"\bfn\s+(?:r#)?([A-Za-z_]\w*)")
SIGNATURE_END = re.compile(r"[()\[\]{};]")
MORE_ATTR = re.compile(r"\s*#\[")
FN_HEAD = re.compile(r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?=fn\b)")
SQL_LITERAL = re.compile(r"(select\s|insert\s+into\s|update\s|delete\s+from\s"
                         r"|with\s+(recursive\s+)?\w+(\s*\([^)]*\))?\s+as\s*\()", re.I)
REASON = re.compile(r"\b(long|longer|lines)\b", re.I)
CORE = {"error", "forms", "ids", "db", "i18n_texts", "state", "live", "layout", "app", "guard", "i18n"}
FRAME = {"app", "layout"}  # the route table and the page frame may import domain pages
DOMAIN = {"accounts", "assemblies", "audit", "objectives", "discussion", "moderation",
          "sittings", "voting", "commitments", "open_data"}
LONG_FN = 60
THIN_LINES = 6


def blank(text):
    return re.sub(r"[^\n]", " ", text)


class Source:
    """One .rs file: raw text, `code` (comments and literals blanked), `nocom` (comments
    blanked, literals kept), string literals, brace pairs and cfg(test) modules."""

    def __init__(self, path, rel):
        self.path, self.rel = path, rel
        self.text = path.read_text(encoding="utf-8", errors="replace")
        self.lines = self.text.split("\n")
        self.count = self.text.count("\n") + (not self.text.endswith("\n"))  # as `wc -l` + last
        self.nl = [m.start() for m in re.finditer("\n", self.text)]
        self.code, self.nocom, self.strings = lex(self.text)
        self.pairs = {}
        stack = []
        for m in re.finditer(r"[{}]", self.code):
            if m.group() == "{":
                stack.append(m.start())
            elif stack:
                self.pairs[stack.pop()] = m.start()
        self.test_files, self.test_lines = [], 0
        self.strip_tests()

    def line(self, pos):  # 1-based line number of a character offset
        return bisect.bisect_left(self.nl, pos) + 1

    def strip_tests(self):
        # Blank `#[cfg(test)] mod x { ... }` so nothing below sees it; remember `mod x;`.
        pat = r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*([{;])"
        for m in re.finditer(pat, self.code):
            if m.group(2) == ";":
                self.test_files.append(m.group(1))
                continue
            start, end = m.start(), self.pairs.get(m.end() - 1, len(self.code))
            self.test_lines += self.line(end) - self.line(start) + 1
            cut = lambda s: s[:start] + blank(s[start:end + 1]) + s[end + 1:]
            self.code, self.nocom = cut(self.code), cut(self.nocom)
            self.strings = [(p, s) for p, s in self.strings if not start <= p <= end]


def lex(src):
    code, nocom, strings, pos = [], [], [], 0
    while (m := TOKEN.search(src, pos)):
        code.append(src[pos:m.start()])
        nocom.append(src[pos:m.start()])
        start = m.start()
        if m.group("lc"):
            end = m.end()
        elif m.group("bc"):  # block comments nest in Rust
            depth, end = 1, m.end()
            while depth and end < len(src):
                if src.startswith("/*", end):
                    depth, end = depth + 1, end + 2
                elif src.startswith("*/", end):
                    depth, end = depth - 1, end + 2
                else:
                    end += 1
        elif m.group("raw") is not None:
            close = src.find('"' + m.group("hashes"), m.end())
            end = len(src) if close < 0 else close + 1 + len(m.group("hashes"))
            strings.append((start, src[m.end():close if close >= 0 else end]))
        elif m.group("str"):
            body = STR_BODY.match(src, m.end())
            end = body.end() if body else len(src)
            strings.append((start, src[m.end():end - 1]))
        else:  # char literal
            end = m.end()
        code.append(blank(src[start:end]))
        nocom.append(blank(src[start:end]) if m.group("lc") or m.group("bc") else src[start:end])
        pos = end
    code.append(src[pos:])
    nocom.append(src[pos:])
    return "".join(code), "".join(nocom), strings


def load(root):
    files = {}
    for top in ("app/src", "server/src"):
        for p in sorted((root / top).rglob("*.rs")):
            rel = p.relative_to(root).as_posix()
            if not any(part in ("target", "tests", "benches") for part in p.relative_to(root / top).parts[:-1]):
                files[rel] = Source(p, rel)
    # Files declared by `#[cfg(test)] mod x;` are test code too.
    skip = set()
    for s in files.values():
        base = s.path.parent if s.path.name in ("mod.rs", "lib.rs", "main.rs") else s.path.with_suffix("")
        for name in s.test_files:
            skip |= {(base / f"{name}.rs").relative_to(root).as_posix(),
                     (base / name / "mod.rs").relative_to(root).as_posix()}
    return {rel: s for rel, s in files.items() if rel not in skip}


def functions(s):
    """(name, fn_pos, open_brace, close_brace) for every fn with a body."""
    out = []
    for m in FN_RE.finditer(s.code):
        depth = 0
        for t in SIGNATURE_END.finditer(s.code, m.end()):
            c = t.group()
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif depth == 0:  # `;` in `[u8; 4]` is inside brackets, so this is the end
                if c == "{" and t.start() in s.pairs:
                    out.append((m.group(1), m.start(), t.start(), s.pairs[t.start()]))
                break
    return out


def stated_reason(s, fn_pos):
    """Comment text above a fn (3 lines, or further up through its doc comment and
    attributes) that mentions `long` or `lines`."""
    i = s.line(fn_pos) - 1
    j = max(i - 3, 0)
    while j > 0 and s.lines[j - 1].strip().startswith(("//", "#[")):
        j -= 1
    for k in range(j, i):
        # Characters present in the source but blanked in `nocom` are comment characters.
        start, end = (s.nl[k - 1] + 1 if k else 0), s.nl[k] if k < len(s.nl) else len(s.text)
        comment = "".join(r if r != n else " " for r, n in zip(s.text[start:end], s.nocom[start:end]))
        if REASON.search(comment):
            return re.sub(r"\s+", " ", comment).strip()
    return None


def balanced_end(code, pos):  # the `]` closing the `[` at pos
    depth = 0
    for i in range(pos, len(code)):
        depth += (code[i] == "[") - (code[i] == "]")
        if depth == 0:
            return i
    return len(code)


def server_functions(s, fns):
    by_pos = {f[1]: f for f in fns}
    out = []
    for m in re.finditer(r"#\[server\b", s.code):
        pos = balanced_end(s.code, m.start() + 1) + 1
        while (w := MORE_ATTR.match(s.code, pos)):  # further attributes
            pos = balanced_end(s.code, w.end() - 1) + 1
        head = FN_HEAD.match(s.code, pos)
        if head and head.end() in by_pos:  # `#[server(default)] arg: T` is not followed by fn
            name, fn_pos, open_, close = by_pos[head.end()]
            body = s.nocom[open_ + 1:close]
            lines = sum(1 for ln in body.split("\n") if ln.strip())
            depth, stmts, tail = 0, 0, False
            for c in s.code[open_ + 1:close]:  # top-level `;` plus a tail expression
                depth += (c in "([{") - (c in ")]}")
                stmts, tail = (stmts + 1, False) if c == ";" and depth == 0 else (stmts, tail or not c.isspace())
            out.append((s.line(fn_pos), name, lines, stmts + tail))
    return out


def sql_counts(s):
    imported = set()
    for m in re.finditer(r"\buse\s+sqlx::([^;]*);", s.code):
        imported |= set(re.findall(r"\b(query(?:_as|_scalar)?)\b", m.group(1)))
    code = re.sub(r"\buse\s+[^;]*;", "", s.code)  # an import is not a call
    calls = len(re.findall(r"\bsqlx::query\w*\b", code))
    calls += sum(1 for m in re.finditer(r"(?<![\w.:])(query(?:_as|_scalar)?)\s*(?:::<[^;{}]*?>)?\s*\(", code)
                 if m.group(1) in imported)
    literals = sum(1 for _, text in s.strings if SQL_LITERAL.match(re.sub(r"^(?:\s|\\\n)*", "", text)))
    return calls, literals


def expand_use(toks, i, prefix):
    """Expand one use-tree (`a::{b, c::*, d as e}`) into segment lists."""
    path = list(prefix)
    while i < len(toks):
        t = toks[i]
        if t == "{":
            out, i = [], i + 1
            while i < len(toks) and toks[i] != "}":
                sub, i = expand_use(toks, i, path)
                out += sub
                i += toks[i:i + 1] == [","]
            return out, i + 1
        if t in (",", "}"):
            break
        if t == "as":
            i += 2
            continue
        if t not in ("::", "*") and not (t == "self" and path):
            path.append(t)
        i += 1
    return [path], i


def import_graph(files):
    """Edges between app modules (file granularity): {(src, dst): 'file:line'}."""
    mods = {}
    for rel, s in files.items():
        if rel.startswith("app/src/"):
            parts = rel[len("app/src/"):-3].split("/")
            mods[tuple(parts[:-1] if parts[-1] in ("mod", "lib") else parts)] = s
    known = set(mods) | {("i18n",)}
    # `crate::text_enum!`: an exported macro lives at the crate root but belongs to the
    # module that defines it.
    macros = {m.group(1): here for here, s in mods.items()
              for m in re.finditer(r"#\[macro_export\]\s*macro_rules!\s*(\w+)", s.code)}
    edges = {}
    for here, s in mods.items():
        inline = [(o, s.pairs[o], m.group(1)) for m in re.finditer(r"\bmod\s+(\w+)\s*\{", s.code)
                  if (o := m.end() - 1) in s.pairs]
        uses = [(m.start(), p) for m in re.finditer(r"\buse\s+([^;]*);", s.code)
                for p in expand_use(re.findall(r"\w+|::|[{},*]", m.group(1)), 0, [])[0]]
        rest = re.sub(r"\buse\s+[^;]*;", lambda m: blank(m.group()), s.code)
        uses += [(m.start(), re.split(r"\s*::\s*", m.group()))
                 for m in re.finditer(r"(?<![\w:$])[A-Za-z_]\w*(?:\s*::\s*[A-Za-z_]\w*)+", rest)]
        for pos, segs in uses:
            cur = here + tuple(n for o, c, n in inline if o < pos < c)  # inline `mod ssr {}`
            if segs[0] == "crate":
                full = tuple(segs[1:])
            elif segs[0] in ("super", "self"):
                base = list(cur)
                while segs and segs[0] in ("super", "self"):
                    base = base[:-1] if segs.pop(0) == "super" else base
                full = tuple(base + segs)
            elif cur + (segs[0],) in known:  # a child module named without `self::`
                full = cur + tuple(segs)
            else:
                continue  # another crate, an enum variant, `Self::`...
            if full and full[0] in macros and full[:1] not in known:
                full = macros[full[0]]
            target = next((full[:n] for n in range(len(full), 0, -1) if full[:n] in known), ())
            # The crate root declares every module and mounts the app: not a dependency.
            if here and target != here:
                edges.setdefault((here, target), f"{s.rel}:{s.line(pos)}")
    return edges


def tarjan(nodes, edges):
    """Strongly connected components of more than one node (Tarjan's algorithm)."""
    succ = {n: sorted(b for a, b in edges if a == n) for n in nodes}
    index, low, stack, sccs = {}, {}, [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
            if w in stack:  # still open: v reaches back into w's component
                low[v] = min(low[v], low[w])
        if low[v] == index[v]:  # v is a component's root: pop the component
            sccs.append(sorted(stack[stack.index(v):]))
            del stack[stack.index(v):]

    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return [c for c in sccs if len(c) > 1]


def print_cycles(title, edges, where=True):
    nodes = {n for e in edges for n in e}
    sccs = tarjan(nodes, edges)
    print(f"\n{title}: {len(nodes)} modules, {len(edges)} edges, {len(sccs)} cycle(s) (SCCs > 1)")
    for comp in sccs:
        print(f"  SCC of {len(comp)}: {', '.join(comp)}")
        inner = sorted((e, w) for e, w in edges.items() if e[0] in comp and e[1] in comp)
        for a in comp:  # with locations one per line, else one line per source module
            out = [(b, w) for (x, b), w in inner if x == a]
            if where:
                print("".join(f"      {a} -> {b}  ({w})\n" for b, w in out), end="")
            elif out:
                print(f"      {a} -> {', '.join(b for b, _ in out)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    root = ap.parse_args().root.resolve()
    t0 = time.perf_counter()
    files = load(root)
    fns = {rel: functions(s) for rel, s in files.items()}

    print(f"Code figures for {root} ({len(files)} .rs files, test code skipped)")
    print("\n== 1. Longest files (lines; 'w/o tests' drops #[cfg(test)] mod blocks) ==")
    for s in sorted(files.values(), key=lambda s: (s.test_lines - s.count, s.rel))[:10]:
        print(f"  {s.count - s.test_lines:6} w/o tests {s.count:6} total  {s.rel}")

    print("\n== 2. Longest functions (lines from the `fn` line to its closing brace) ==")
    rows = [(s.line(c) - s.line(p) + 1, rel, s.line(p), name, p)
            for rel, s in files.items() for name, p, o, c in fns[rel]]
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    for n, rel, ln, name, _ in rows[:15]:
        print(f"  {n:5}  {name:32} {rel}:{ln}")
    long_rows = [r for r in rows if r[0] > LONG_FN]
    print(f"  {len(rows)} functions, {len(long_rows)} over {LONG_FN} lines")
    reasons = [(r, stated_reason(files[r[1]], r[4])) for r in long_rows]
    stated = [(r, why) for r, why in reasons if why]
    print(f"  Over {LONG_FN} lines with a stated reason above them (comment mentioning long/lines):"
          + ("" if stated else " none"))
    for (n, rel, ln, name, _), why in stated:
        print(f"    {n:5}  {name:32} {rel}:{ln}\n           \u2514 {why[:100]}")
    print(f"  Over {LONG_FN} lines without one: {len(long_rows) - len(stated)}")
    for (n, rel, ln, name, _), why in reasons:
        if not why:
            print(f"    {n:5}  {name:32} {rel}:{ln}")

    print(f"\n== 3. Server functions (#[server]); thin = body of at most {THIN_LINES} non-blank,"
          " non-comment lines ==")
    servers = [(rel, *row) for rel, s in files.items() for row in server_functions(s, fns[rel])]
    thick = sorted((r for r in servers if r[3] > THIN_LINES), key=lambda r: (-r[3], r[0], r[1]))
    print(f"  {len(servers)} server functions, {len(servers) - len(thick)} thin, {len(thick)} not thin")
    for rel, ln, name, lines, stmts in thick:
        print(f"  {lines:5} body lines {stmts:3} stmts  {name:28} {rel}:{ln}")

    print("\n== 4. SQL outside store files (not store.rs, not under store/) ==")
    print("  calls = sqlx::query* (or an imported bare query*/query_as*/query_scalar*);"
          " literals = strings starting with select/insert into/update/delete from/with .. as (")
    tot_calls = tot_lits = 0
    for rel, s in sorted(files.items()):
        if rel.endswith("/store.rs") or "/store/" in rel:
            continue
        calls, lits = sql_counts(s)
        tot_calls, tot_lits = tot_calls + calls, tot_lits + lits
        if calls or lits:
            print(f"  {calls:5} calls {lits:5} literals  {rel}")
    print(f"  total: {tot_calls} calls, {tot_lits} SQL literals")

    print("\n== 5. Import graph of the app crate (use/paths via crate::, super::, self::, child::) ==")
    edges = import_graph(files)
    name = lambda m: "::".join(m) or "lib"
    print_cycles("File-level modules", {(name(a), name(b)): w for (a, b), w in edges.items()})
    top = {}
    for (a, b), where in edges.items():
        ta, tb = (a or ("lib",))[0], (b or ("lib",))[0]
        if ta != tb:
            top.setdefault((ta, tb), where)
    print_cycles("Top-level modules", top, where=False)
    core_dom = sorted((e, w) for e, w in top.items() if e[0] in CORE and e[1] in DOMAIN)
    bad = [(e, w) for e, w in core_dom if e[0] not in FRAME]
    allowed = [(e, w) for e, w in core_dom if e[0] in FRAME]
    for title, group in ((f"\n  Core imports domain (violations): {len(bad)}", bad),
                         (f"  Allowed (route table / frame: app, layout): {len(allowed)}", allowed)):
        print(title)
        print("".join(f"    {a} -> {b}  ({where})\n" for (a, b), where in group), end="")
    print(f"\n(done in {time.perf_counter() - t0:.2f} s)")


if __name__ == "__main__":
    main()
