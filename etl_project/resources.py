"""Dagster resources, chosen in one place (definitions.py) from the settings."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableIOManagerFactory, ConfigurableResource, InitResourceContext, UPathIOManager
from dagster_duckdb import DuckDBResource

from etl_project import warehouse
from etl_project.ingest import SourceConfig
from etl_project.loading import load_extractor, load_geocoder


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

    def get(self):
        return load_extractor(*self.loader_args())

    def loader_args(self) -> tuple[str | None, str | None]:
        """The arguments of loading.load_extractor: a worker process given them loads the same extractor."""
        return self.geocoder.loader_args()


class SourcesResource(ConfigurableResource):
    """Where raw articles come from (sources.yaml, or the bundled seeds)."""

    sources_file: str
    seeds_dir: str
    timezone: str = "Asia/Damascus"
    feed_retries: int = 3
    feed_retry_delay_s: float = 60.0

    def config(self) -> SourceConfig:
        return SourceConfig.load(Path(self.sources_file), Path(self.seeds_dir))


class _FrameFiles(UPathIOManager):
    """Polars frames as Arrow IPC files; anything else pickled, as Dagster's default does.

    The default IO manager pickles a frame, and pickling a polars frame builds its whole serialised copy
    in memory first: for a partition of 100k articles that is ~400 MB more at the end of raw_articles.
    An IPC file is written from the frame's buffers and read back without the pickle round trip."""

    extension = ""

    def dump_to_path(self, context, obj, path) -> None:
        import os
        import pickle

        import polars as pl

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        if isinstance(obj, pl.DataFrame):
            obj.write_ipc(tmp, compression="uncompressed")
            target = path.with_name(path.name + ".arrow")
            stale = path.with_name(path.name + ".pickle")
        else:
            with tmp.open("wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            target = path.with_name(path.name + ".pickle")
            stale = path.with_name(path.name + ".arrow")
        tmp.replace(target)  # a reader of the previous file keeps the old one whole
        stale.unlink(missing_ok=True)

    def load_from_path(self, context, path):
        import pickle

        import polars as pl

        path = Path(path)
        arrow = path.with_name(path.name + ".arrow")
        if arrow.exists():
            return pl.read_ipc(arrow)
        pickled = path.with_name(path.name + ".pickle")
        # without a suffix: an output stored by Dagster's default IO manager before this one (a re-execution of an old run)
        with (pickled if pickled.exists() else path).open("rb") as fh:
            return pickle.load(fh)

    def path_exists(self, path) -> bool:
        path = Path(path)
        return any(p.exists() for p in (path.with_name(path.name + ".arrow"), path.with_name(path.name + ".pickle"), path))


class FrameIOManager(ConfigurableIOManagerFactory):
    """Step outputs in the instance's storage folder (as Dagster's default), frames as Arrow IPC files."""

    base_dir: str | None = None

    def create_io_manager(self, context: InitResourceContext) -> _FrameFiles:
        from upath import UPath

        base = self.base_dir or (context.instance.storage_directory() if context.instance else None)
        if base is None:
            import tempfile

            base = tempfile.mkdtemp(prefix="etl-io-")
        return _FrameFiles(base_path=UPath(base))
