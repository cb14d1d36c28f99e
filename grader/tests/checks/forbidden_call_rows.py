"""Programs and the verdict of a ``calls_forbidden`` check on their ``f``.

A plain module (no pytest) so that another Python can load it too: each row is
``(id, source, forbidden, verdict)`` with verdict ``pass``, ``calls`` (calls a forbidden
entry), ``passed`` (hands one to other code as a value) or ``lookup`` (looks a name up
at run time). The analysis is static, so the sources are compiled and never run.
"""

from __future__ import annotations

import types

SUM = ["sum"]
NPSUM = ["np.sum"]

ROWS = [
    # --- aliases made outside the function: module level, imports, defaults
    ("module-alias", "s = sum\ndef f(xs):\n    return s(xs)\n", SUM, "calls"),
    (
        "from-builtins",
        "from builtins import sum as s\ndef f(xs):\n    return s(xs)\n",
        SUM,
        "calls",
    ),
    ("import-builtins", "import builtins\ndef f(xs):\n    return builtins.sum(xs)\n", SUM, "calls"),
    (
        "import-builtins-as",
        "import builtins as b\ndef f(xs):\n    return b.sum(xs)\n",
        SUM,
        "calls",
    ),
    ("dunder-builtins-attr", "def f(xs):\n    return __builtins__.sum(xs)\n", SUM, "calls"),
    ("dunder-builtins-item", "def f(xs):\n    return __builtins__['sum'](xs)\n", SUM, "calls"),
    ("default-argument", "def f(xs, g=sum):\n    return g(xs)\n", SUM, "calls"),
    ("keyword-default", "def f(xs, *, g=sum):\n    return g(xs)\n", SUM, "calls"),
    (
        "default-in-closure",
        "def f(xs, g=sum):\n    return (lambda: g(xs))()\n",
        SUM,
        "calls",
    ),
    (
        "import-inside",
        "def f(xs):\n    import builtins\n    return builtins.sum(xs)\n",
        SUM,
        "calls",
    ),
    (
        "from-import-inside",
        "def f(xs):\n    from builtins import sum as s\n    return s(xs)\n",
        SUM,
        "calls",
    ),
    (
        "global-set-by-helper",
        "def setup():\n    global s\n    s = sum\nsetup()\ndef f(xs):\n    return s(xs)\n",
        SUM,
        "calls",
    ),
    (
        "global-set-in-target",
        "def f(xs):\n    global s\n    s = sum\n    return s(xs)\n",
        SUM,
        "calls",
    ),
    (
        "own-module-imported",  # the harness registers the submission as ``submission``
        "s = sum\ndef f(xs):\n    import submission\n    return submission.s(xs)\n",
        SUM,
        "calls",
    ),
    (
        "from-own-module",
        "s = sum\ndef f(xs):\n    from submission import s as t\n    return t(xs)\n",
        SUM,
        "calls",
    ),
    (
        "attribute-of-builtins",
        "import builtins\nbuiltins.total_ = sum\ndef f(xs):\n    return total_(xs)\n",
        SUM,
        "calls",
    ),
    # --- aliases the old single-pass scan lost: branches, loops, closures, attributes
    (
        "alias-in-a-branch",
        "def f(xs, c=True):\n    if c:\n        g = sum\n    else:\n        g = len\n"
        "    return g(xs)\n",
        SUM,
        "calls",
    ),
    (
        "alias-after-use-in-a-loop",
        "def f(xs):\n    g = len\n    for _ in range(2):\n        r = g(xs)\n        g = sum\n"
        "    return r\n",
        SUM,
        "calls",
    ),
    (
        "alias-in-a-closure",
        "def f(xs):\n    g = sum\n    def inner():\n        return g(xs)\n    return inner()\n",
        SUM,
        "calls",
    ),
    (
        "alias-on-an-attribute",
        "class A:\n    pass\ndef f(xs):\n    a = A()\n    a.g = sum\n    return a.g(xs)\n",
        SUM,
        "calls",
    ),
    (
        "unpacked-alias",
        "def f(xs):\n    a, b, c, d = len, min, max, sum\n    return d(xs)\n",
        SUM,
        "calls",
    ),
    ("dunder-call", "def f(xs):\n    return sum.__call__(xs)\n", SUM, "calls"),
    ("walrus", "def f(xs):\n    return (g := sum)(xs) + g(xs)\n", SUM, "calls"),
    # --- paths that meet: the stacks of both are kept
    (
        "conditional-expression",
        "def f(xs, c=1):\n    return (sum if c else len)(xs)\n",
        SUM,
        "calls",
    ),
    (
        "conditional-store",
        "def f(xs, c=1):\n    g = len if c else sum\n    return g(xs)\n",
        SUM,
        "calls",
    ),
    ("boolean-operators", "def f(xs, c=1):\n    return (c and len or sum)(xs)\n", SUM, "calls"),
    ("or-default", "def f(xs, g=None):\n    g = g or sum\n    return g(xs)\n", SUM, "calls"),
    (
        "builtins-as-keyword-default",
        "def f(xs, *, b=__builtins__):\n    return b.sum(xs)\n",
        SUM,
        "calls",
    ),
    (
        "class-defined-in-target",
        "def f(xs):\n    class B:\n        g = sum\n    return B.g(xs)\n",
        SUM,
        "calls",
    ),
    (
        "getattr-with-a-folded-literal",  # the compiler folds 'su' + 'm' into 'sum'
        "import builtins\ndef f(xs):\n    return getattr(builtins, 'su' + 'm')(xs)\n",
        SUM,
        "calls",
    ),
    (
        "getattr-with-a-literal",
        "import builtins\ndef f(xs):\n    return getattr(builtins, 'sum')(xs)\n",
        SUM,
        "calls",
    ),
    # --- the student's own functions, reached by name
    (
        "helper-function",
        "def helper(xs):\n    return sum(xs)\ndef f(xs):\n    return helper(xs)\n",
        SUM,
        "calls",
    ),
    (
        "module-lambda",
        "h = lambda xs: sum(xs)\ndef f(xs):\n    return h(xs)\n",
        SUM,
        "calls",
    ),
    (
        "method-of-own-class",
        "class A:\n    def go(self, xs):\n        return sum(xs)\ndef f(xs):\n    return A().go(xs)\n",
        SUM,
        "calls",
    ),
    (
        "dunder-method-of-own-class",
        "class A:\n    def __len__(self):\n        return sum(self.xs)\n"
        "def f(xs):\n    a = A()\n    a.xs = xs\n    return len(a)\n",
        SUM,
        "calls",
    ),
    (
        "instance-made-at-module-level",  # f never names A, only the instance
        "class A:\n    def __len__(self):\n        return sum(self.xs)\nOBJ = A()\n"
        "def f(xs):\n    OBJ.xs = xs\n    return len(OBJ)\n",
        SUM,
        "calls",
    ),
    (
        "inherited-method",
        "class A:\n    def __len__(self):\n        return sum(self.xs)\nclass B(A):\n    pass\n"
        "def f(xs):\n    b = B()\n    b.xs = xs\n    return len(b)\n",
        SUM,
        "calls",
    ),
    (
        "metaclass",
        "class M(type):\n    def __call__(cls, xs):\n        return sum(xs)\n"
        "class A(metaclass=M):\n    pass\ndef f(xs):\n    return A(xs)\n",
        SUM,
        "calls",
    ),
    (
        "instance-from-a-factory",
        "class A:\n    def __len__(self):\n        return sum(self.xs)\ndef make():\n"
        "    return A()\nOBJ = make()\ndef f(xs):\n    OBJ.xs = xs\n    return len(OBJ)\n",
        SUM,
        "calls",
    ),
    (
        "returned-then-called",
        "def get():\n    return sum\ndef f(xs):\n    return get()(xs)\n",
        SUM,
        "calls",
    ),
    # --- modules bound by imports
    (
        "numpy-as-other-name",
        "import numpy as xx\ndef f(a):\n    return xx.sum(a)\n",
        NPSUM,
        "calls",
    ),
    (
        "from-numpy-import-as",
        "from numpy import sum as s\ndef f(a):\n    return s(a)\n",
        NPSUM,
        "calls",
    ),
    ("plain-import-numpy", "import numpy\ndef f(a):\n    return numpy.sum(a)\n", NPSUM, "calls"),
    (
        "full-name-forbidden",
        "import numpy as np\ndef f(a):\n    return np.sum(a)\n",
        ["numpy.sum"],
        "calls",
    ),
    (
        "numpy-imported-inside",
        "def f(a):\n    import numpy as m\n    return m.sum(a)\n",
        NPSUM,
        "calls",
    ),
    (
        "submodule-as",
        "import numpy.linalg as la\ndef f(a):\n    return la.norm(a)\n",
        ["numpy.linalg.norm"],
        "calls",
    ),
    (
        "submodule-path",
        "import numpy as np\ndef f(a):\n    return np.linalg.norm(a)\n",
        ["np.linalg.norm"],
        "calls",
    ),
    ("star-import", "from numpy import *\ndef f(a):\n    return sum(a)\n", NPSUM, "calls"),
    # --- the callable handed to other code as a value
    ("passed-to-map", "def f(rows):\n    return list(map(sum, rows))\n", SUM, "passed"),
    ("sort-key", "def f(rows):\n    return sorted(rows, key=sum)\n", SUM, "passed"),
    ("in-a-list", "def f(xs):\n    fs = [sum]\n    return fs[0](xs)\n", SUM, "passed"),
    ("loaded-not-called", "def f(x):\n    return [sum, len(x)]\n", SUM, "passed"),
    (
        "returned-by-helper-into-a-list",
        "def get():\n    return sum\ndef f(xs):\n    return [get()][0](xs)\n",
        SUM,
        "passed",
    ),
    (
        "module-level-dict",
        "FS = {'s': sum}\ndef f(xs):\n    return FS['s'](xs)\n",
        SUM,
        "passed",
    ),
    (
        "module-level-partial",
        "import functools\np = functools.partial(sum)\ndef f(xs):\n    return p(xs)\n",
        SUM,
        "passed",
    ),
    (
        "class-attribute",
        "class A:\n    g = staticmethod(sum)\ndef f(xs):\n    return A.g(xs)\n",
        SUM,
        "passed",
    ),
    (
        "dunder-class-attribute",  # A()(xs) calls __call__ without naming it
        "class A:\n    __call__ = sum\ndef f(xs):\n    return A()(xs)\n",
        SUM,
        "passed",
    ),
    (
        "dunder-set-from-outside",
        "class A:\n    pass\nA.__call__ = sum\ndef f(xs):\n    return A()(xs)\n",
        SUM,
        "passed",
    ),
    ("lambda-argument", "def f(xs):\n    return (lambda g: g(xs))(sum)\n", SUM, "passed"),
    (
        "returned-by-property",
        "class A:\n    g = property(lambda self: sum)\ndef f(xs):\n    return A().g(xs)\n",
        SUM,
        "passed",
    ),
    ("keyword-argument", "def f(xs):\n    return dict(s=sum)['s'](xs)\n", SUM, "passed"),
    (
        "globals-at-module-level",
        "globals()['s'] = sum\ndef f(xs):\n    return s(xs)\n",
        SUM,
        "passed",
    ),
    # --- run-time lookups the check cannot follow
    (
        "getattr-computed",
        "import builtins\ndef f(xs):\n    return getattr(builtins, ''.join(['su', 'm']))(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "getattr-through-a-variable",
        "import builtins\ndef f(xs):\n    n = 'sum'\n    return getattr(builtins, n)(xs)\n",
        SUM,
        "lookup",
    ),
    ("eval", "def f(xs):\n    return eval('sum')(xs)\n", SUM, "lookup"),
    (
        "exec",
        "def f(xs):\n    ns = {}\n    exec('r = sum(xs)', {'xs': xs}, ns)\n    return ns['r']\n",
        SUM,
        "lookup",
    ),
    ("globals", "def f(xs):\n    return globals()['sum'](xs)\n", SUM, "lookup"),
    ("locals", "def f(xs):\n    g = sum\n    return locals()['g'](xs)\n", SUM, "lookup"),
    (
        "vars",
        "import builtins\ndef f(xs):\n    return vars(builtins)['sum'](xs)\n",
        SUM,
        "lookup",
    ),
    ("dunder-import", "def f(xs):\n    return __import__('builtins').sum(xs)\n", SUM, "lookup"),
    (
        "import-module",
        "import importlib\ndef f(xs):\n    return importlib.import_module('builtins').sum(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "from-importlib",
        "from importlib import import_module as im\ndef f(xs):\n    return im('builtins').sum(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "methodcaller",
        "import operator\ndef f(a):\n    return operator.methodcaller('sum')(a)\n",
        [".sum"],
        "lookup",
    ),
    (
        "attrgetter",
        "import builtins, operator\ndef f(xs):\n    return operator.attrgetter('sum')(builtins)(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "dunder-getattribute",
        "import builtins\ndef f(xs):\n    return builtins.__getattribute__('sum')(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "dunder-dict",
        "import builtins\ndef f(xs):\n    return builtins.__dict__['sum'](xs)\n",
        SUM,
        "lookup",
    ),
    (
        "builtins-key-computed",
        "def f(xs, k='sum'):\n    return __builtins__[k](xs)\n",
        SUM,
        "lookup",
    ),
    ("dunder-self", "def f(xs):\n    return len.__self__.sum(xs)\n", SUM, "lookup"),
    (
        "frame-builtins",
        "import sys\ndef f(xs):\n    return sys._getframe().f_builtins['sum'](xs)\n",
        SUM,
        "lookup",
    ),
    (
        "sys-modules",
        "import sys\ndef f(xs):\n    return sys.modules['builtins'].sum(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "compiled-code-run",
        "import types\ndef f(xs):\n"
        "    return types.FunctionType(compile('sum(xs)', '', 'eval'), {'xs': xs})()\n",
        SUM,
        "lookup",
    ),
    (
        "getattr-passed-on",
        "import builtins, functools\n"
        "def f(xs):\n    return functools.reduce(getattr, ['sum'], builtins)(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "module-passed-to-helper",
        "import numpy as np\ndef helper(m, a):\n    return m.sum(a)\n"
        "def f(a):\n    return helper(np, a)\n",
        NPSUM,
        "lookup",
    ),
    (
        "getmembers",
        "import inspect\ndef f(xs):\n    return dict(inspect.getmembers(len))['__self__'].sum(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "gc-objects",
        "import gc\ndef f(xs):\n"
        "    return [o for o in gc.get_objects() if getattr(o, '__name__', '') == 'sum'][0](xs)\n",
        SUM,
        "lookup",
    ),
    (
        "pickle",
        "import pickle\ndef f(xs):\n    return pickle.loads(b'cbuiltins\\nsum\\n.')(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "function-from-replaced-code",
        "import types\ndef g(xs):\n    return len(xs)\ndef f(xs):\n"
        "    return types.FunctionType(g.__code__.replace(co_names=('sum',)), {})(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "formatter-field",
        "import string\ndef f(xs):\n"
        "    return string.Formatter().get_field('0.__self__', [len], {})[0].sum(xs)\n",
        SUM,
        "lookup",
    ),
    (
        "lookup-at-module-level",
        "import builtins\ns = getattr(builtins, ''.join(['su', 'm']))\ndef f(xs):\n    return s(xs)\n",
        SUM,
        "lookup",
    ),
    # --- legitimate programs
    (
        "local-named-s",
        "def f(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n",
        SUM,
        "pass",
    ),
    ("global-named-s", "s = 10\ndef f(xs):\n    return s + len(xs)\n", SUM, "pass"),
    (
        "getattr-literal-name",
        "def f(o):\n    return getattr(o, 'x', 0) + len(o.items)\n",
        SUM,
        "pass",
    ),
    (
        "own-function-summary",
        "def summary(xs):\n    return len(xs)\ndef f(xs):\n    return summary(xs)\n",
        SUM,
        "pass",
    ),
    ("method-sum-of-own-object", "def f(a):\n    return a.sum()\n", SUM, "pass"),
    (
        "numpy-sum-when-sum-is-forbidden",
        "import numpy as np\ndef f(a):\n    return np.sum(a)\n",
        SUM,
        "pass",
    ),
    (
        "sum-called-at-module-level-only",
        "assert sum([1]) == 1\ndef f(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n",
        SUM,
        "pass",
    ),
    (
        "helper-that-is-never-used",
        "def other(xs):\n    return sum(xs)\ndef f(xs):\n    return len(xs)\n",
        SUM,
        "pass",
    ),
    ("compared-with-sum", "def f(g):\n    return g is sum or g == len\n", SUM, "pass"),
    ("name-of-sum", "def f():\n    return sum.__name__\n", SUM, "pass"),
    (
        "other-numpy-functions",
        "import numpy as np\ndef f(a):\n    return np.asarray(a).cumsum()[-1]\n",
        ["np.sum", "sum", ".sum"],
        "pass",
    ),
    (
        "compile-and-read-names",
        "def f(src):\n    return sorted(compile(src, '<string>', 'eval').co_names)\n",
        ["eval", "exec"],
        "pass",
    ),
    ("star-import-of-math", "from math import *\ndef f(x):\n    return floor(x)\n", SUM, "pass"),
    (
        "decorated-helper",
        "import functools\n@functools.lru_cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "def f(n):\n    return fib(n)\n",
        SUM,
        "pass",
    ),
    (
        "other-defaults",
        "def f(xs, start=0, key=len):\n    return key(xs) + start\n",
        SUM,
        "pass",
    ),
    ("annotations", "def f(xs: list[int]) -> int:\n    return len(xs)\n", SUM, "pass"),
    ("formatted-name", "def f(xs):\n    return f'{sum!r} {len(xs):>3}'\n", SUM, "pass"),
    (
        "with-and-try",
        "def f(p):\n    try:\n        with open(p) as fh:\n            return fh.read()\n"
        "    except OSError as e:\n        return str(e)\n    finally:\n        pass\n",
        SUM,
        "pass",
    ),
    (
        "match-statement",
        "def f(x):\n    match x:\n        case [a, b]:\n            return a\n"
        "        case {'k': v}:\n            return v\n        case _:\n            return None\n",
        SUM,
        "pass",
    ),
    (
        "async-function",
        "async def f(xs):\n    async for x in xs:\n        await x\n    return 1\n",
        SUM,
        "pass",
    ),
    (
        "super-call",
        "class A:\n    def m(self):\n        return 1\nclass B(A):\n    def m(self):\n"
        "        return super().m()\ndef f():\n    return B().m()\n",
        SUM,
        "pass",
    ),
    (
        "closure-counter",
        "def f(start):\n    x = start\n    def c():\n        nonlocal x\n        x -= 1\n        return x\n"
        "    return c\n",
        SUM,
        "pass",
    ),
    (
        "class-with-methods",
        "class Acc:\n    def __init__(self):\n        self.t = 0\n    def add(self, v):\n        self.t += v\n"
        "def f(xs):\n    a = Acc()\n    for x in xs:\n        a.add(x)\n    return a.t\n",
        SUM,
        "pass",
    ),
    (
        "printing-at-module-level",
        "print('loading')\nimport builtins\nprint(builtins.len([1]))\ndef f(xs):\n    return len(xs)\n",
        SUM,
        "pass",
    ),
    (
        "generator-and-comprehension",
        "def f(rows):\n    t = 0\n    for r in (x for x in rows):\n        t += len([y for y in r])\n    return t\n",
        SUM,
        "pass",
    ),
]


def verdict(found) -> str:
    """The row verdict for a :class:`grader.checks.calls.CallFindings`."""
    if found.calls:
        return "calls"
    if found.passed_on:
        return "passed"
    if found.lookups:
        return "lookup"
    return "pass"


def target_code(module: types.CodeType, target: str = "f") -> types.CodeType | None:
    """The code object of ``target`` (a dotted path) in the trusted compile, by name."""
    code: types.CodeType | None = module
    for part in target.split("."):
        code = next(
            (c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == part),
            None,
        )
        if code is None:
            return None
    return code


if __name__ == "__main__":  # python forbidden_call_rows.py: the verdicts as JSON lines
    import json
    import sys

    from grader.checks.calls import find_forbidden

    for name, source, forbidden, _ in ROWS:
        module = compile(source, "submission.py", "exec")
        found = find_forbidden(target_code(module), forbidden, module=module)
        print(json.dumps([name, verdict(found), sys.version_info[:2]]))
