"""The vector index adapters behave alike behind the port: the exact scan, the faiss inverted file and the HNSW
graph."""

from __future__ import annotations

import numpy as np
import pytest

from services.matching.index import ExactIndex, FakeIndex, IvfIndex, make_index

DIM = 32


def unit(rows) -> np.ndarray:
    """Return the rows as normalised float32."""
    m = np.atleast_2d(np.asarray(rows, dtype=np.float32))
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def axis(i: int, dim: int = DIM) -> np.ndarray:
    """Return the unit vector along one axis."""
    v = np.zeros(dim, dtype=np.float32)
    v[i] = 1.0
    return v


def clustered(n: int, dim: int, centroids: int, seed: int) -> np.ndarray:
    """Return n unit vectors around a few topics, each varying along its own few directions (as sentence
    embeddings bunch by topic and vary along few directions within one), plus a little isotropic jitter."""
    space, rng = np.random.default_rng(0), np.random.default_rng(seed)
    centres = unit(space.standard_normal((centroids, dim)))
    bases = np.linalg.qr(space.standard_normal((centroids, dim, 12)))[0]
    picks = rng.integers(0, centroids, n)
    spread = (bases[picks] @ rng.standard_normal((n, 12, 1)))[:, :, 0] / np.sqrt(12)
    return unit(centres[picks] + spread + 0.2 * rng.standard_normal((n, dim)) / np.sqrt(dim))


@pytest.fixture(params=["exact", "ivf"])
def index(request):
    # A tiny initial capacity for the exact index so that tests cross its growth too.
    return {"exact": lambda: ExactIndex(DIM, capacity=2), "ivf": lambda: IvfIndex(DIM)}[request.param]()


def test_an_empty_index_finds_nothing_and_has_no_length(index):
    assert len(index) == 0
    assert index.search(axis(0), 5) == []
    assert index.similarity(axis(0), ["a"]) == {}


def test_search_returns_the_nearest_ids_best_first_with_their_cosine(index):
    index.upsert(["far", "near", "mid"], unit([axis(1), axis(0) + 0.1 * axis(1), axis(0) + axis(1)]))
    found = index.search(axis(0), 2)
    assert [i for i, _ in found] == ["near", "mid"]
    assert found[0][1] == pytest.approx(1 / np.sqrt(1.01), abs=2e-3)
    assert found[1][1] == pytest.approx(1 / np.sqrt(2), abs=2e-3)
    assert len(index) == 3


def test_asking_for_more_than_there_are_returns_all_and_asking_for_none_returns_nothing(index):
    index.upsert(["a", "b"], unit([axis(0), axis(1)]))
    assert sorted(i for i, _ in index.search(axis(0), 10)) == ["a", "b"]
    assert index.search(axis(0), 0) == []


def test_equal_scores_are_ordered_by_id(index):
    index.upsert(["c", "a", "b"], unit([axis(0), axis(0), axis(0)]))
    assert [i for i, _ in index.search(axis(0), 3)] == ["a", "b", "c"]


def test_upserting_a_known_id_replaces_its_vector_without_adding_a_row(index):
    index.upsert(["a", "b"], unit([axis(0), axis(1)]))
    index.upsert(["a"], unit([axis(2)]))
    assert len(index) == 2
    assert index.search(axis(2), 1)[0][0] == "a"
    assert index.similarity(axis(0), ["a"])["a"] == pytest.approx(0.0, abs=2e-3)


def test_the_last_vector_of_an_id_repeated_in_one_batch_wins(index):
    index.upsert(["a", "a"], unit([axis(0), axis(3)]))
    assert len(index) == 1
    assert index.similarity(axis(3), ["a"])["a"] == pytest.approx(1.0, abs=2e-3)


def test_removed_ids_are_never_found_and_absent_ids_are_ignored(index):
    index.upsert(["a", "b", "c"], unit([axis(0), axis(0) + axis(1), axis(1)]))
    index.remove(["a", "ghost"])
    assert len(index) == 2
    assert [i for i, _ in index.search(axis(0), 3)] == ["b", "c"]
    assert index.similarity(axis(0), ["a", "b"]).keys() == {"b"}


def test_a_removed_id_can_come_back_with_a_new_vector(index):
    index.upsert(["a", "b"], unit([axis(0), axis(1)]))
    index.remove(["a"])
    index.upsert(["a"], unit([axis(1) + 0.1 * axis(2)]))
    assert [i for i, _ in index.search(axis(1), 2)] == ["b", "a"]


def test_similarity_gives_the_cosine_of_each_requested_present_id(index):
    vectors = unit([axis(0) + axis(1), axis(1), axis(2)])
    index.upsert(["x", "y", "z"], vectors)
    q = unit([axis(1) + 0.5 * axis(2)])[0]
    got = index.similarity(q, ["z", "x", "missing"])
    assert got.keys() == {"z", "x"}
    assert got["x"] == pytest.approx(float(vectors[0] @ q), abs=2e-3)
    assert got["z"] == pytest.approx(float(vectors[2] @ q), abs=2e-3)


def test_clear_empties_the_index_and_it_fills_again(index):
    index.upsert(["a", "b"], unit([axis(0), axis(1)]))
    index.clear()
    assert len(index) == 0 and index.search(axis(0), 5) == []
    index.upsert(["b"], unit([axis(0)]))
    assert index.search(axis(0), 5)[0][0] == "b"


def test_the_index_grows_past_its_initial_capacity_without_losing_a_vector(index):
    rng = np.random.default_rng(1)
    vectors = unit(rng.standard_normal((3000, DIM)))
    ids = [f"v{i:04d}" for i in range(3000)]
    for start in range(0, 3000, 700):  # batches, as events arrive
        index.upsert(ids[start:start + 700], vectors[start:start + 700])
    assert len(index) == 3000
    for i in range(0, 3000, 97):
        assert index.search(vectors[i], 1)[0][0] == ids[i]


APPROXIMATE = {"ivf": IvfIndex}


@pytest.mark.parametrize("kind", APPROXIMATE)
def test_the_approximate_index_finds_what_the_exact_scan_finds_on_clustered_data(kind):
    dim, n = 64, 20_000
    vectors, queries = clustered(n, dim, centroids=40, seed=1), clustered(50, dim, centroids=40, seed=2)
    ids = [f"v{i:05d}" for i in range(n)]
    exact, approximate = ExactIndex(dim), APPROXIMATE[kind](dim)
    exact.upsert(ids, vectors)
    approximate.upsert(ids, vectors)
    hits = 0
    for q in queries:
        truth = {i for i, _ in exact.search(q, 20)}
        hits += len(truth & {i for i, _ in approximate.search(q, 20)})
    assert hits / (20 * len(queries)) >= 0.98
    # The matcher's candidate pool is larger than the search breadth: it must still come back whole.
    assert len(approximate.search(queries[0], 400)) == 400


@pytest.mark.parametrize("kind", APPROXIMATE)
def test_replacing_every_vector_again_and_again_does_not_grow_the_approximate_index(kind):
    rng = np.random.default_rng(3)
    index = APPROXIMATE[kind](DIM)
    ids = [f"v{i}" for i in range(2000)]
    index.upsert(ids, unit(rng.standard_normal((2000, DIM))))
    before = index.memory_bytes
    for _ in range(5):
        index.upsert(ids, unit(rng.standard_normal((2000, DIM))))
    assert len(index) == 2000
    assert index.memory_bytes <= before


@pytest.mark.parametrize("kind", APPROXIMATE)
def test_the_approximate_index_agrees_with_the_fake_after_mixed_changes(kind):
    rng = np.random.default_rng(5)
    fake, approximate = FakeIndex(), APPROXIMATE[kind](DIM)
    for step in range(30):
        ids = [f"v{j}" for j in rng.integers(0, 60, 8)]
        vectors = unit(rng.standard_normal((8, DIM)))
        for ix in (fake, approximate):
            ix.upsert(ids, vectors) if step % 3 else ix.remove(ids[:3])
    assert len(approximate) == len(fake)
    q = unit(rng.standard_normal(DIM))[0]
    found, expected = approximate.search(q, 10), fake.search(q, 10)
    # HNSW stores f16, so two near-equal neighbours may swap; the set and the cosines must agree.
    assert len({i for i, _ in found} & {i for i, _ in expected}) >= 9
    truth = fake.similarity(q, [i for i, _ in found])
    assert all(abs(score - truth[i]) < 1e-2 for i, score in found)


def test_the_inverted_file_returns_the_exact_float32_cosines():
    rng = np.random.default_rng(7)
    vectors, ids = clustered(5000, DIM, centroids=10, seed=7), [f"v{i}" for i in range(5000)]
    exact, ivf = ExactIndex(DIM), IvfIndex(DIM)
    exact.upsert(ids, vectors)
    ivf.upsert(ids, vectors)
    assert ivf.lists > 1
    q = unit(rng.standard_normal(DIM))[0]
    for i, score in ivf.search(q, 50):
        assert score == pytest.approx(float(vectors[int(i[1:])] @ q), abs=1e-5)
    assert ivf.similarity(q, ["v3", "v4000"]) == pytest.approx(exact.similarity(q, ["v3", "v4000"]), abs=1e-6)


def test_the_inverted_file_starts_empty_takes_vectors_one_by_one_and_retrains_as_it_grows():
    vectors = clustered(4000, DIM, centroids=20, seed=11)
    ivf, lists_seen = IvfIndex(DIM), set()
    for i, v in enumerate(vectors):
        ivf.upsert([f"v{i}"], v[None])
        lists_seen.add(ivf.lists)
    assert len(ivf) == 4000
    assert ivf.lists == ivf.lists_for(2048) and {1, ivf.lists} < lists_seen  # one list at first, more as it grew
    for i in range(0, 4000, 101):
        assert ivf.search(vectors[i], 1)[0] == (f"v{i}", pytest.approx(1.0, abs=1e-5))


def test_the_inverted_file_keeps_the_newest_vectors_across_a_retraining():
    rng = np.random.default_rng(13)
    ivf = IvfIndex(DIM)
    ivf.upsert([f"v{i}" for i in range(100)], unit(rng.standard_normal((100, DIM))))
    ivf.upsert(["v0", "v1"], unit([axis(0), axis(1)]))  # replaced in place, no retraining
    ivf.remove(["v2"])
    ivf.upsert([f"w{i}" for i in range(150)], unit(rng.standard_normal((150, DIM))))  # 249 >= 2 x 100: retrain
    assert len(ivf) == 249 and "v2" not in dict(ivf.search(axis(2), 249))
    assert ivf.similarity(axis(0), ["v0"])["v0"] == pytest.approx(1.0, abs=1e-6)
    assert ivf.search(axis(1), 1)[0][0] == "v1"


def test_the_inverted_file_under_churn_holds_exactly_the_present_vectors():
    rng = np.random.default_rng(17)
    vectors = clustered(6000, DIM, centroids=20, seed=17)
    fake, ivf = FakeIndex(), IvfIndex(DIM)
    fake.upsert([f"v{i}" for i in range(3000)], vectors[:3000])
    ivf.upsert([f"v{i}" for i in range(3000)], vectors[:3000])
    lists = ivf.lists
    for _ in range(40):  # vacancies close, reopen with new text and arrive, below the retraining threshold
        closing = [f"v{j}" for j in rng.choice(3000, 40, replace=False)]
        changing = [f"v{j}" for j in rng.choice(3000, 40, replace=False)]
        new = unit(rng.standard_normal((40, DIM)))
        for ix in (fake, ivf):
            ix.remove(closing)
            ix.upsert(changing, new)
    assert ivf.lists == lists and len(ivf) == len(fake)
    assert ivf._index.ntotal == len(fake) and ivf.memory_bytes == len(fake) * (DIM * 4 + 8) + lists * DIM * 4
    for q in vectors[3000:3020]:
        assert [i for i, _ in ivf.search(q, 5)] == [i for i, _ in fake.search(q, 5)]


def test_the_same_changes_in_the_same_order_give_the_same_inverted_file():
    vectors, ids = clustered(3000, DIM, centroids=10, seed=19), [f"v{i}" for i in range(3000)]
    a, b = IvfIndex(DIM, probes=2), IvfIndex(DIM, probes=2)
    for ix in (a, b):
        for start in range(0, 3000, 500):
            ix.upsert(ids[start:start + 500], vectors[start:start + 500])
    for q in clustered(10, DIM, centroids=10, seed=20):
        assert a.search(q, 20) == b.search(q, 20)


def test_a_cleared_inverted_file_trains_afresh_on_what_follows():
    ivf = IvfIndex(DIM)
    ivf.upsert([f"v{i}" for i in range(3000)], clustered(3000, DIM, centroids=10, seed=23))
    ivf.clear()
    assert len(ivf) == 0 and ivf.lists == 0 and ivf.memory_bytes == 0
    ivf.upsert(["a"], unit([axis(0)]))
    assert ivf.lists == 1 and ivf.search(axis(0), 3) == [("a", pytest.approx(1.0))]


def test_few_probes_still_return_k_results_by_scanning_more_lists():
    ivf = IvfIndex(DIM, probes=1)
    ivf.upsert([f"v{i}" for i in range(4000)], clustered(4000, DIM, centroids=10, seed=29))
    assert ivf.lists > 10
    assert len(ivf.search(axis(0), 1500)) == 1500


def test_small_changes_leave_the_thread_setting_as_they_found_it():
    import faiss

    ivf = IvfIndex(DIM)
    ivf.upsert([f"v{i}" for i in range(200)], clustered(200, DIM, centroids=4, seed=31))
    before = faiss.omp_get_max_threads()
    ivf.upsert(["v1", "new"], unit([axis(0), axis(1)]))
    ivf.remove(["v2"])
    assert faiss.omp_get_max_threads() == before
    assert ivf.search(axis(1), 1)[0][0] == "new" and len(ivf) == 200


def test_the_inverted_file_refuses_nonsense_settings():
    for options in ({"probes": 0}, {"lists": 0}, {"regrow": 1.0}):
        with pytest.raises(ValueError):
            IvfIndex(DIM, **options)


def test_a_fixed_number_of_lists_is_kept_to_at_least_39_vectors_each():
    ivf = IvfIndex(DIM, lists=64)
    assert ivf.lists_for(10_000) == 64 and ivf.lists_for(390) == 10 and ivf.lists_for(5) == 1
    assert IvfIndex(DIM).lists_for(1_000_000) == 4000


def test_make_index_builds_each_kind_and_refuses_an_unknown_one():
    assert isinstance(make_index(8), ExactIndex)
    assert isinstance(make_index(8, "exact", capacity=4), ExactIndex)
    ivf = make_index(8, "approximate", probes=16)
    assert isinstance(ivf, IvfIndex) and ivf.params["probes"] == 16
    with pytest.raises(ValueError, match="approximate"):
        make_index(8, "annoy")


def test_the_index_settings_pick_the_kind_and_its_options_and_refuse_any_other_kind_at_start_up(tmp_path):
    import types

    from services.matching.app import build_service
    from shared.settings import SettingsError, load_settings
    from tests.unit.matching.support import HashingTestEncoder

    def built(**env):
        settings = load_settings({"PUENTE_MATCHING_LABEL_CACHE": str(tmp_path), **env}, bus="memory")
        container = types.SimpleNamespace(sessions=None, outbox=None, settings=settings)
        return build_service(container, encoder=HashingTestEncoder())

    assert isinstance(built().vacancy_index, ExactIndex)
    chosen = built(PUENTE_MATCHING_INDEX="approximate", PUENTE_MATCHING_INDEX_OPTIONS='{"probes": 32}')
    assert isinstance(chosen.vacancy_index, IvfIndex) and isinstance(chosen.profile_index, IvfIndex)
    assert chosen.vacancy_index.params["probes"] == chosen.profile_index.params["probes"] == 32
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_MATCHING_INDEX": "faiss"}, bus="memory")
    assert "approximate" in err.value.problems["PUENTE_MATCHING_INDEX"]
