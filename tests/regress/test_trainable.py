"""Tests of the gradient path: trainable EML trees, snapping and repair."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

torch = pytest.importorskip("torch")

# after importorskip: these modules need torch
import emlkit as ek  # noqa: E402
from emlkit.backends.torch_train import SoftTrees, adam_step  # noqa: E402
from emlkit.expr import ONE, Eml, Var  # noqa: E402
from emlkit.regress.snap import Layout, decode, encode, hard_values, repair  # noqa: E402
from emlkit.regress.trainable import TrainConfig, train  # noqa: E402

X = np.linspace(0.5, 3.0, 16)


def _mp_agree(expr, f, digits=45):
    """Independent check: mpmath at 50 digits at held-out points."""
    with mpmath.workdps(50):  # never leak the global precision into other tests
        for xv in ("0.7", "1.37", "2.9", "0.55"):
            xm = mpmath.mpf(xv)
            got = ek.evaluate(expr, backend="mpmath", dps=50, x=xm)
            want = f(xm)
            if abs(got - want) > mpmath.mpf(10) ** (-digits) * max(1, abs(want)):
                return False
    return True


@pytest.mark.parametrize(
    "depth, f_np, f_mp",
    [
        (1, np.exp, mpmath.exp),
        (2, lambda x: np.e - x, lambda x: mpmath.e - x),
        (3, np.log, mpmath.log),
    ],
)
def test_gradient_alone_recovers_known_targets(depth, f_np, f_mp):
    # no repair, no table: the gradient path alone
    res = train(X, f_np(X), depth=depth, restarts=32, steps=600, random_state=0,
                repair_top=0)
    assert res.best is not None and res.best.exact
    assert res.best.source == "gradient"
    assert _mp_agree(res.best.expr, f_mp)


def test_nan_restart_does_not_poison_others():
    lay = Layout(2, ("x",))
    base = torch.tensor(np.stack([np.ones_like(X), X]), dtype=torch.complex128)
    gen = torch.Generator().manual_seed(1)
    model = SoftTrees(lay, 4, base, gen, 1.0)
    with torch.no_grad():
        for L in model.logits:
            L[0] = float("nan")  # restart 0 produces NaN everywhere
    before = [L.detach().clone() for L in model.logits]
    opt = torch.optim.Adam(model.logits, lr=0.05)
    yt = torch.tensor(np.e - X, dtype=torch.complex128)
    per, ok, nbad = adam_step(model, opt, yt, 1.0, 1.0, 0.0)
    assert nbad == 1 and not bool(ok[0]) and bool(ok[1:].all())
    for L, B in zip(model.logits, before):
        assert torch.isfinite(L).all()  # restart 0 re-drawn, others finite
        assert not torch.equal(L[1:], B[1:])  # others were updated
    first = per[1:].clone()
    for _ in range(60):
        per, ok, nbad = adam_step(model, opt, yt, 1.0, 1.0, 0.0)
    assert bool(ok.all()) and nbad == 0
    assert float(per[1:].min()) < float(first.min())  # the others kept training


def test_snapped_tree_matches_hard_model():
    lay = Layout(3, ("x",))
    rng = np.random.default_rng(3)
    for _ in range(5):
        ch = np.array([rng.integers(0, k) for k in lay.options])
        e = decode(lay, ch)
        v = hard_values(lay, ch[None], {"x": X})[0]
        ref = np.array([complex(ek.evaluate(e, backend="numpy", x=complex(xv))) for xv in X])
        good = np.isfinite(v)
        assert np.allclose(v[good], ref[good], rtol=1e-12)
        # the soft model at very low temperature gives the same values
        base = torch.tensor(np.stack([np.ones_like(X), X]), dtype=torch.complex128)
        model = SoftTrees(lay, 1, base, torch.Generator().manual_seed(0), 0.0)
        model.set_tree(0, ch, strength=1.0)
        out, _ = model.forward(1e-3)
        o = out[0].detach().numpy()
        assert np.array_equal(model.argmax()[0], ch)
        if np.all(np.abs(v) < 1e20) and good.all():
            assert np.allclose(o, v, rtol=1e-9)


def test_encode_decode_roundtrip_and_errors():
    lay = Layout(3, ("x",))
    e = Eml(ONE, Eml(Eml(ONE, Var("x")), ONE))
    assert decode(lay, encode(lay, e)) is e
    with pytest.raises(ValueError, match="depth"):
        encode(Layout(1, ("x",)), e)
    with pytest.raises(ValueError, match="position"):
        decode(lay, [9] * lay.n_mix)


def test_repair_fixes_corrupted_choice():
    lay = Layout(3, ("x",))
    target = ek.parse("eml(1, eml(eml(1, x), 1))")  # ln x
    good = encode(lay, target)
    for pos in (lay.n_mix - 1, 5, lay.n_mix - 3):
        bad = good.copy()
        bad[pos] = (bad[pos] + 1) % lay.options[pos]
        ch, err, _ = repair(lay, bad, {"x": X}, np.log(X))
        assert err < 1e-12
        assert _mp_agree(decode(lay, ch), mpmath.log)


def test_reproducible_with_random_state():
    y = np.log(X) + 1.0
    a = train(X, y, depth=2, restarts=8, steps=80, random_state=5, repair_top=0)
    b = train(X, y, depth=2, restarts=8, steps=80, random_state=5, repair_top=0)
    assert a.loss_curve == b.loss_curve
    assert (a.best.expr if a.best else None) is (b.best.expr if b.best else None)


def test_callback_time_limit_and_bad_input():
    seen = []
    # a limit already spent (decided by the clock's order, not its speed): one step, one round
    res = train(X, np.sin(X), depth=3, restarts=8, steps=10**6, time_limit=0.0,
                random_state=0, callback=lambda s, loss: seen.append((s, loss)))
    assert res.info == {"steps": 1, "rounds": 1} and len(seen) == len(res.loss_curve) == 1
    assert all(math.isfinite(loss) for _, loss in seen)
    with pytest.raises(ValueError, match="rows"):
        train(X, X[:3], depth=1)
    with pytest.raises(ValueError, match="depth"):
        train(X, X, depth=0)


def test_table_repair_replaces_root_child():
    from emlkit.regress.tables import build_table

    lay = Layout(3, ("x",))
    target = ek.parse("eml(eml(x, 1), eml(eml(1, x), 1))")  # exp(exp x) - ln(e^e / x)
    y = hard_values(lay, encode(lay, target)[None], {"x": X})[0]
    bad = encode(lay, ek.parse("eml(eml(x, 1), eml(x, x))"))  # right child wrong
    table = build_table({"x": X.astype(complex)}, ("x",), 2)
    _, err, expr = repair(lay, bad, {"x": X}, y, rounds=0, table=table)
    assert expr is not None and err < 1e-12
    def f(x):
        return mpmath.exp(mpmath.exp(x)) - (mpmath.e - mpmath.log(x))

    assert _mp_agree(expr, f, digits=40)


def test_interrupt_returns_what_was_found():
    def stop(step, loss):
        if step == 30:
            raise KeyboardInterrupt

    res = train(X, np.exp(X) + 1, depth=2, restarts=8, steps=500, random_state=0,
                callback=stop, repair_top=0)
    assert res.interrupted and len(res.loss_curve) == 31
    assert res.best is not None and res.best.expr.depth <= 2


def test_config_object_and_keywords_agree():
    y = np.log(X) + 1.0
    cfg = TrainConfig(depth=2, restarts=8, steps=80, random_state=5, repair_top=0)
    a = train(X, y, cfg)
    b = train(X, y, depth=2, restarts=8, steps=80, random_state=5, repair_top=0)
    c = train(X, y, TrainConfig(depth=5, steps=3), depth=2, restarts=8, steps=80,
              random_state=5, repair_top=0)  # keywords override the config's fields
    assert a.loss_curve == b.loss_curve == c.loss_curve and len(a.loss_curve) == 80
    with pytest.raises(TypeError, match="unexpected keyword argument.*stepz"):
        train(X, y, stepz=3)
    with pytest.raises(ValueError, match="restarts and steps"):
        train(X, y, steps=0)
