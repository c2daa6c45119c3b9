"""Dagster resources, chosen in one place (definitions.py) from the settings."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource

from etl_project import warehouse
from etl_project.ingest import SourceConfig
from etl_project.loading import load_extractor, load_geocoder
from etl_project.staging import DayFiles


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse. Writers queue on a file lock, so two runs at once wait rather than fail."""

    @contextmanager
    def get_connection(self, read_only: bool = False):
        with warehouse.connect(self.database, read_only=read_only) as con:
            yield con


class GeocoderResource(ConfigurableResource):
    """The geocoder and its gazetteer. Without a gazetteer folder, the shipped offline gazetteer is used."""

    gazetteer_dir: str | None = None
    cache_dir: str | None = None

    def get(self):
        return load_geocoder(*self.loader_args())

    def loader_args(self) -> tuple[str | None, str | None]:
        """The arguments of loading.load_geocoder / load_extractor: another process given them loads the same."""
        return (self.gazetteer_dir, self.cache_dir)


class ExtractorResource(ConfigurableResource):
    """The extractor, over the geocoder of the `geocoder` resource it is given."""

    geocoder: GeocoderResource
    # processes extracting a big partition, this one included (ETL_WORKERS); 1 keeps extraction in the run's process
    workers: int = 1
    # readings less likely than this to be right are withheld (ETL_MIN_CONFIDENCE); None: the extractor's own floor
    min_confidence: float | None = None

    def get(self):
        return load_extractor(*self.loader_args())

    def loader_args(self) -> tuple[str | None, str | None, float | None]:
        """The arguments of loading.load_extractor: a worker process given them loads the same extractor."""
        return (*self.geocoder.loader_args(), self.min_confidence)


class SourcesResource(ConfigurableResource):
    """Where raw articles come from (sources.yaml, or the bundled seeds)."""

    sources_file: str
    seeds_dir: str
    timezone: str = "Asia/Damascus"
    feed_retries: int = 3
    feed_retry_delay_s: float = 60.0

    def config(self) -> SourceConfig:
        return SourceConfig.load(Path(self.sources_file), Path(self.seeds_dir))


class StagingResource(ConfigurableResource):
    """Where partitioned steps leave their day's frames for the next step (etl_project.staging): the Dagster
    instance's storage folder, as Dagster's own IO manager would use, unless `base_dir` is set."""

    base_dir: str | None = None

    def files(self, instance) -> DayFiles:
        return DayFiles(self.base_dir or Path(instance.storage_directory()) / "staging")
