"""Baseline for bench:rewards: the same answer pairs checked with SymPy (Debian's python3-sympy).

Reads JSON lines {"prediction", "gold"} on stdin; for each pair parses both sides (LaTeX through
sympy.parsing.latex when its ANTLR runtime is installed, else sympify after rewriting the common
LaTeX forms) and calls them equal when simplify(a - b) == 0 or both parse to the same set/tuple.
Prints one JSON object: pairs, parsed (both sides parsed), equal verdicts, seconds, per-pair ms.
"""
import json, re, sys, time
import sympy

try:
    from sympy.parsing.latex import parse_latex
    parse_latex(r"\frac{1}{2}")
except Exception:  # the ANTLR runtime is an optional dependency
    parse_latex = None

def rewrite(text):
    text = text.strip().strip("$")
    text = re.sub(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", text)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", text)
    text = text.replace("\\pi", "pi").replace("\\cdot", "*").replace("\\times", "*").replace("^", "**")
    text = text.replace("\\%", "/100").replace("%", "/100").replace("\\left", "").replace("\\right", "")
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    return text

def parse(text):
    if parse_latex is not None:
        try:
            return parse_latex(text)
        except Exception:
            pass
    return sympy.sympify(rewrite(text), evaluate=True)

def equal(a, b):
    try:
        return bool(sympy.simplify(a - b) == 0)
    except Exception:
        return a == b

pairs = [json.loads(line) for line in sys.stdin if line.strip()]
start = time.perf_counter()
parsed = equal_count = 0
latencies = []
for pair in pairs:
    t0 = time.perf_counter()
    try:
        a, b = parse(pair["prediction"]), parse(pair["gold"])
        parsed += 1
        if equal(a, b):
            equal_count += 1
    except Exception:
        pass
    latencies.append((time.perf_counter() - t0) * 1000)
seconds = time.perf_counter() - start
latencies.sort()
print(json.dumps({"pairs": len(pairs), "parsed": parsed, "equal": equal_count, "seconds": seconds, "latex_parser": parse_latex is not None,
                  "p50_ms": latencies[len(latencies) // 2], "p99_ms": latencies[int(len(latencies) * 0.99)]}))
