"""The composition root: one MatchingService per container, shared by the app and the handlers, on fakes or SQL."""

import types

import pytest

from services.matching.adapters.memory import InMemoryReadModels
from services.matching.adapters.sql import SqlReadModels
from services.matching.api import SERVICE_KEY
from services.matching.app import SERVICE, build_service, handlers, service_of
from shared.bus import InMemoryBus
from shared.events import new_event
from shared.published.matches import MatchSuggested
from shared.published.profiles import ProfilePublished
from shared.published.vacancies import VacancyPublished
from shared.service import build_container
from shared.settings import load_settings
from tests.unit.matching.support import HashingTestEncoder, profile, vacancy


def fake_container(tmp_path, **environ):
    settings = load_settings({"PUENTE_MATCHING_LABEL_CACHE": str(tmp_path), **environ}, bus="memory")
    return types.SimpleNamespace(settings=settings, sessions=None, outbox=None, extras={},
                                 source="/services/matching")


def test_the_consumers_handlers_run_on_the_in_memory_fakes_and_announce_a_strong_match_once(tmp_path):
    container = fake_container(tmp_path)
    models = InMemoryReadModels()
    service = build_service(container, encoder=HashingTestEncoder(), read_models=models)
    service.strong = 0.3
    container.extras[SERVICE_KEY] = service
    handle = handlers(container)
    nurse, job = profile(), vacancy()
    for _ in range(2):  # published twice (new event ids): the pair is announced the first time only
        for event in [new_event(ProfilePublished.TYPE, "/services/profiles", nurse["profile_id"], nurse),
                      new_event(VacancyPublished.TYPE, "/services/vacancies", job["vacancy_id"], job)]:
            with models.inbox.transaction() as tx:
                handle[event.type](tx.claim([event]), tx)
    assert [MatchSuggested.from_data(e.data).vacancy_id for e in models.announced] == [job["vacancy_id"]]
    with models.reading() as store:
        assert store.get_profile(nurse["profile_id"]) is not None


def test_what_a_failed_handler_announced_is_dropped_with_its_changes(tmp_path):
    container = fake_container(tmp_path)
    models = InMemoryReadModels()
    container.extras[SERVICE_KEY] = build_service(container, encoder=HashingTestEncoder(), read_models=models)
    nurse = profile()
    with pytest.raises(RuntimeError), models.inbox.transaction() as tx:
        handlers(container)[ProfilePublished.TYPE](
            [new_event(ProfilePublished.TYPE, "/services/profiles", nurse["profile_id"], nurse)], tx)
        models.announce(tx, new_event(ProfilePublished.TYPE, "/x", "k", nurse))
        raise RuntimeError("the handler failed after writing")
    assert models.announced == []
    with models.reading() as store:
        assert store.get_profile(nurse["profile_id"]) is None


def test_the_app_and_the_handlers_share_the_one_service_built_for_the_container(tmp_path):
    settings = load_settings({"PUENTE_MATCHING_ENCODER": "hashing", "PUENTE_MATCHING_LABEL_CACHE": str(tmp_path)},
                             bus="memory", secret_key="k" * 40)
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    try:
        app = SERVICE.create_app(container)
        SERVICE.handlers(container)
        service = service_of(container)
        assert app.extensions[SERVICE_KEY] is service is service_of(container)
        assert isinstance(service.read_models, SqlReadModels)
        assert service.read_models.cache is service.embedder.cache  # new embeddings go in the handler's transaction
        assert service.embedder.name == "hashing:256"
    finally:
        container.engine.dispose()


def test_the_domain_and_the_events_load_no_web_database_broker_or_model_runtime():
    import subprocess
    import sys
    from pathlib import Path

    modules = ", ".join(f"services.matching.{m}" for m in (
        "domain.readmodels", "domain.eligibility", "domain.scoring", "domain.explanation", "domain.concepts",
        "domain.audit", "domain.messages", "events"))
    code = (f"import sys, {modules}; "
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'kafka', 'torch', 'sentence_transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3]).stdout
    assert out.strip() == "[]"
