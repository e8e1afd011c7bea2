"""The learned filter on Vietnamese stances: its dot product is scikit-learn's logistic regression, it only ever
removes a stance the rules found, and without its weights the rules decide alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from newsloom.enrich import stance_filter, stances

DENIAL = "Bộ Y tế bác bỏ thông tin về dịch bệnh lan rộng."


def test_the_filters_probability_is_scikit_learns() -> None:
    sentences = [
        (DENIAL, True),
        ("Công ty phủ nhận cáo buộc trốn thuế của báo Tuổi Trẻ.", True),
        ("Người lao động phải có giấy xác nhận của chính quyền địa phương.", False),
        ("Quốc hội bác bỏ đề xuất tăng thuế.", False),
        ("Ông Minh bác bỏ những dẫn chứng của tờ báo về khoản vay.", True),
        ("Không ai có thể phủ nhận vai trò của đội trưởng.", False),
    ]
    found = [stances.vietnamese_features(s, stances.vietnamese_rules(s)) for s, _ in sentences]
    vectorizer = DictVectorizer()
    model = LogisticRegression(C=1.0).fit(vectorizer.fit_transform(found), [label for _, label in sentences])
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0].tolist(), strict=True))
    ours = stance_filter.StanceFilter(weights, float(model.intercept_[0]), 0.5)
    expected = model.predict_proba(vectorizer.transform(found))[:, 1]
    assert np.allclose([ours.probability(f) for f in found], expected)


def test_the_filter_only_removes_what_the_rules_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stance_filter, "loaded", lambda: stance_filter.StanceFilter({}, 0.0, 1.01))  # never keeps
    assert stances.find_stances(DENIAL, "vi") == []
    monkeypatch.setattr(stance_filter, "loaded", lambda: stance_filter.StanceFilter({}, 0.0, 0.0))  # always keeps
    assert [s.actor for s in stances.find_stances(DENIAL, "vi")] == ["Bộ Y tế"]
    assert stances.find_stances("Quốc hội bác bỏ đề xuất tăng thuế.", "vi") == []


def test_without_weights_the_rules_decide(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert stance_filter.loaded.__wrapped__(tmp_path / "absent.json") is None
    monkeypatch.setattr(stance_filter, "loaded", lambda: None)
    assert stances.find_stances(DENIAL, "vi") == [stances.vietnamese_rules(DENIAL)]


def test_the_shipped_weights_load() -> None:
    model = stance_filter.loaded()
    assert model is not None and 0.0 < model.threshold < 1.0 and len(model.weights) > 100
    assert model.keeps(stances.vietnamese_features(DENIAL, stances.vietnamese_rules(DENIAL)))
