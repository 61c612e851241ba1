"""Rebuilds: the full job, one job per source kind, a nightly schedule, and a sensor that
notices changed raw files and asks only for the jobs of the kinds that changed."""

import json
import os

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    sensor,
)

from instruct_assets.catalogue import raw_files
from instruct_assets.curation.decontamination import benchmark_files
from instruct_assets.defs.ingest_assets import examples_key, rejections_key
from instruct_assets.defs.raw_sources import RAW_ASSET_KEYS, files_version, hashed_files
from instruct_assets.defs.resources import DataPaths
from instruct_assets.ingest import file_sha256
from instruct_assets.schema import SourceKind

REBUILD_CRON = os.environ.get("INSTRUCT_ASSETS_REBUILD_CRON", "0 2 * * *")
"""Nightly at 02:00 unless INSTRUCT_ASSETS_REBUILD_CRON says otherwise."""

rebuild_dataset = define_asset_job(
    "rebuild_dataset",
    selection=AssetSelection.all(include_sources=True),
    description="Observe the raw sources and rebuild every table and the published dataset.",
)

# Re-read one kind's files only; the other kinds' tables are read from their last build.
rebuild_jobs = {
    kind: define_asset_job(
        f"rebuild_{kind.value}",
        # observing is one step for all sources, so the whole observation comes along
        selection=AssetSelection.assets(RAW_ASSET_KEYS[kind]).required_multi_asset_neighbors()
        | AssetSelection.assets(examples_key(kind), rejections_key(kind)).downstream(),
        description=f"Re-read the {kind.value} sources and rebuild what depends on them.",
    )
    for kind in SourceKind
}

nightly_rebuild = ScheduleDefinition(
    name="nightly_rebuild",
    job=rebuild_dataset,
    cron_schedule=REBUILD_CRON,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Rebuild everything on a schedule (INSTRUCT_ASSETS_REBUILD_CRON).",
)


def current_versions(data_paths: DataPaths) -> dict[str, str]:
    """A version per watched thing: each source kind's raw files, and the inputs every kind
    shares (catalogue, recipe, blocklist, benchmarks)."""
    versions = {}
    for kind in SourceKind:
        paths = raw_files(data_paths.raw_dir, kind)
        versions[kind.value] = files_version(hashed_files(data_paths.raw_dir, paths))
    shared = [
        data_paths.catalogue_file,
        data_paths.recipe_file,
        data_paths.blocklist_file,
        *benchmark_files(data_paths.eval_dir),
    ]
    versions["shared"] = files_version(
        [(str(path), file_sha256(path)) for path in shared if path.exists()]
    )
    return versions


def requests_for(previous: dict[str, str], current: dict[str, str]) -> list[RunRequest]:
    """The runs a change calls for: a shared input rebuilds everything; otherwise one run
    per changed source kind."""
    changed = [key for key, version in current.items() if previous.get(key) != version]
    if "shared" in changed:
        return [
            RunRequest(
                run_key=f"all:{current['shared']}",
                job_name=rebuild_dataset.name,
                tags={"changed": ",".join(changed)},
            )
        ]
    return [
        RunRequest(
            run_key=f"{kind}:{current[kind]}",
            job_name=rebuild_jobs[SourceKind(kind)].name,
            tags={"changed": kind},
        )
        for kind in changed
    ]


@sensor(
    jobs=[rebuild_dataset, *rebuild_jobs.values()],
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Rebuild what depends on raw files, benchmarks, the catalogue, the recipe or "
    "the blocklist when they change.",
)
def raw_file_changes(
    context: SensorEvaluationContext, data_paths: DataPaths
) -> SensorResult | SkipReason:
    current = current_versions(data_paths)
    if context.cursor is None:
        # The first look records where things stand: the nightly build covers the past.
        return SensorResult(skip_reason="baseline recorded", cursor=json.dumps(current))
    requests = requests_for(json.loads(context.cursor), current)
    if not requests:
        return SkipReason("no watched file changed")
    return SensorResult(run_requests=requests, cursor=json.dumps(current))
