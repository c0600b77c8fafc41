"""A benchmark that needs matching-dev stops with a message naming the missing path and where the data comes from."""

import importlib

import pytest

NEEDS_DATA = {  # module: how its command line names the data
    "bench.decent_work_gate": lambda d: [str(d / "vacancies.jsonl")],
    "bench.encoding_throughput": lambda d: [str(d)],
    "bench.matching_quality": lambda d: [str(d)],
    "bench.taxonomy_accuracy": lambda d: [str(d)],
}


@pytest.mark.parametrize("module", sorted(NEEDS_DATA))
def test_a_benchmark_without_its_data_says_which_path_is_missing_and_where_it_comes_from(module, tmp_path):
    missing = tmp_path / "matching-dev"
    with pytest.raises(SystemExit) as stopped:
        importlib.import_module(module).main(NEEDS_DATA[module](missing))
    message = str(stopped.value.code)
    assert str(missing.resolve()) in message and "../shared/data/matching-dev" in message
    assert "handed to Puente's developers beside the checkout" in message
