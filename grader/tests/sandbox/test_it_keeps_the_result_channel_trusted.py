"""Protocol attacks: fake results, inherited descriptors, hostile return values."""

import pytest

from grader.sandbox.api import Limits, Outcome


def test_it_does_not_take_printed_text_for_a_result(attack):
    r = attack(
        'print(\'{"status": "ok", "value": "forged"}\')\n'
        'sys.__stdout__.write(\'{"status": "ok", "value": "forged"}\')\n'
        'os.write(1, b\'{"status": "ok", "value": "forged"}\')\n'
        "x = 'honest'"
    )
    assert r.ok and r.value == "honest", r
    assert "forged" in r.stdout


def test_it_rejects_garbage_written_to_every_inherited_descriptor(attack):
    r = attack(
        "for fd in range(3, 1024):\n"
        '    try: os.write(fd, b\'{"status": "ok", "value": "forged"}\')\n'
        "    except OSError: pass\n"
        "x = 'honest'"
    )
    # Our own frame now follows the forged one on the result pipe: the run is spoilt
    # (the student's fault), never taken as the forged value.
    assert r.outcome is Outcome.EXCEPTION and r.exc_type == "ProtocolViolation", r
    assert r.value is None


def test_it_blames_the_student_for_an_exit_without_a_result(attack):
    for code in (0, 1, 120, 121, 122):
        r = attack(f"os._exit({code})")
        assert r.outcome is Outcome.EXCEPTION and r.exc_type == "NoResult", (code, r)
        assert r.outcome.is_student_fault


def test_it_turns_sys_exit_into_an_exception(attack):
    r = attack("sys.exit(0)")
    assert r.outcome is Outcome.EXCEPTION and r.exc_type == "SystemExit", r


class_source = """
class Evil:
    def __reduce__(self):
        return (os.system, ('touch /tmp/pwned-TOKEN',))
    def __eq__(self, other):
        open('/tmp/pwned-TOKEN', 'w').write('eq ran')
        return True
    __hash__ = object.__hash__
"""


@pytest.mark.parametrize(
    "value, outcome",
    [
        ("x = Evil()", Outcome.EXCEPTION),
        ("x = [Evil()]", Outcome.EXCEPTION),
        ("class D(dict):\n    def __eq__(self, o): return True\nx = D(a=1)", Outcome.OK),
        ("class S(str):\n    def __eq__(self, o): return True\nx = S('plain')", Outcome.OK),
        ("class I(int):\n    def __repr__(self): raise RuntimeError('no')\nx = I(5)", Outcome.OK),
        ("x = float('nan')", Outcome.EXCEPTION),
    ],
)
def test_it_only_returns_plain_json_data(attack, value, outcome):
    r = attack(class_source + value)
    assert r.outcome is outcome, r
    if outcome is Outcome.EXCEPTION:
        assert r.exc_type == "ResultNotSerialisable"
    else:
        assert type(r.value) in (dict, str, int)
        assert r.value != object()  # a plain value compares honestly


def test_it_survives_a_deeply_nested_result(attack):
    r = attack("x = []\ny = x\nfor _ in range(200000):\n    y.append([]); y = y[0]")
    assert r.outcome is Outcome.EXCEPTION and r.exc_type == "ResultNotSerialisable", r


def test_it_reports_an_exception_whose_str_misbehaves(attack):
    r = attack(
        "class Boom(Exception):\n    def __str__(self): raise RuntimeError('no')\nraise Boom()"
    )
    assert r.outcome is Outcome.EXCEPTION and r.exc_type == "Boom", r
    assert r.exc_message == "<unprintable Boom>"


def test_it_ignores_forged_control_messages(attack):
    # 'S', 'M' and junk on the control socket cannot turn a student's crash into our fault.
    r = attack(
        "for fd in range(3, 64):\n"
        "    try: os.write(fd, b'RSMMMM' * 100)\n"
        "    except OSError: pass\n"
        "os._exit(121)"
    )
    assert r.outcome is Outcome.EXCEPTION and r.outcome.is_student_fault, r


def test_it_is_not_stalled_by_a_flood_of_mark_requests(attack):
    # Thousands of 'M' on every descriptor, never reading the answers: the
    # supervisor must neither block on the control socket nor lose the run.
    r = attack(
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.set_blocking(fd, False)\n"
        "        for _ in range(50): os.write(fd, b'M' * 4096)\n"
        "    except OSError: pass\n"
        "import time; time.sleep(0.5)\n"
        "x = 'done'",
        limits=Limits(cpu_seconds=1.0, wall_seconds=3.0),
    )
    assert r.outcome.is_student_fault, r
    assert r.value is None


FIND_RESULT_PIPE = (
    "f = sys._getframe()\n"
    "while 'result_fd' not in f.f_locals:\n"
    "    f = f.f_back\n"
    "os.write(f.f_locals['result_fd'], REPORT)\n"
    "os._exit(0)\n"
)


@pytest.mark.parametrize(
    "report",
    [
        b'{"status": "ok", "value": "forged", "outcome": "sandbox_error"}',
        b'{"status": "ok", "value": "forged", "cpu_seconds": 0.0}',
        b'{"status": "sandbox_error", "detail": "forged"}',
        b'{"status": "time_limit"}',
        b'{"status": ["ok"], "value": 1}',
        b'{"status": "exception", "type": ["MemoryError"], "message": ""}',
        b'{"status": "too_big", "size": "huge"}',
        b'{"status": "ok"}',
    ],
)
def test_it_refuses_a_report_with_fields_the_child_may_not_set(attack, report):
    r = attack(FIND_RESULT_PIPE.replace("REPORT", repr(report)))
    assert r.outcome is Outcome.EXCEPTION and r.exc_type == "ProtocolViolation", r
    assert r.outcome.is_student_fault and r.value is None
