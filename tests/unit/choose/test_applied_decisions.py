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


def test_a_keeper_or_folder_chosen_on_the_page_by_a_name_that_is_not_utf8_is_kept(tmp_path):
    """The hostile try: the page shows (and saves) such a name with U+FFFD for its bytes, and the
    choice matched no file, so the chosen copy was moved (mutant: only the exact path compared)."""
    from photo_dedup.choose.applied_decisions import Decisions
    from photo_dedup.choose.keeper import KeeperRanking

    odd = "/lib/odd/bad" + b"\xff\xfe".decode("utf-8", "surrogateescape") + "name.jpg"
    shown = "/lib/odd/bad\ufffd\ufffdname.jpg"
    ranking = KeeperRanking(chosen_digests=frozenset({"d"}), chosen_paths=frozenset({shown}))
    [chosen] = [rule for rule in ranking.rules if rule.name == "chosen"]
    assert chosen.score({"path": odd, "digest": "d"}) == 2 and chosen.score({"path": "/lib/a.jpg", "digest": "d"}) == 1
    other = "/lib/odd/bad" + b"\xfe\xff".decode("utf-8", "surrogateescape") + "name.jpg"  # shown alike
    assert chosen.score({"path": other, "digest": "e"}) == 0  # another file's content: not the one chosen
    folder = "/lib/Fotos" + b"\xe4".decode("utf-8", "surrogateescape")
    decisions = Decisions(preferred_roots=["/lib/Fotos\ufffd"])
    assert decisions.folder_rank(folder + "/IMG_1.jpg") == 1 and decisions.folder_rank("/lib/Other/IMG_1.jpg") == 0
