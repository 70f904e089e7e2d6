import pytest

from photo_dedup.choose.applied_decisions import load_decisions
from photo_dedup.config.decisions_file import DecisionsProblem


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "not valid JSON"),
        ("[]", "not a photo-dedup decisions file"),
        ('{"decisions": 5}', "not a photo-dedup decisions file"),
        ('{"decisions": [{"action": "delete"}]}', "unknown action 'delete'"),
        ('{"decisions": [{"action": "keep_all", "members": "ab"}]}', "members must be a list"),
        ('{"decisions": [{"action": "keep", "members": ["a"]}]}', "needs the keeper"),
        (b"\xff\xfe", "cannot be read"),
    ],
)
def test_a_malformed_decisions_file_is_one_clear_problem(tmp_path, content, problem):
    path = tmp_path / "decisions.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DecisionsProblem, match=problem) as raised:
        load_decisions(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)
