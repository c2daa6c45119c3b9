"""The gazetteer, materialised into the warehouse's `places` table."""

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from etl_project import warehouse
from etl_project.assets.partitions import OWNERS, WRITER_POOL
from etl_project.checks.gazetteer_checks import GAZETTEER_CHECKS, gazetteer_check_results
from etl_project.resources import GeocoderResource, WarehouseResource


@asset(
    key="places",
    group_name="gazetteer",
    kinds={"duckdb", "python"},
    owners=OWNERS,
    pool=WRITER_POOL,
    description=(
        "Every place the geocoder can resolve: Who's On First localities and OpenSyria admin units when "
        "ETL_GAZETTEER_DIR is set, otherwise the shipped offline gazetteer. Governorates and districts in "
        "ACLED spelling with OCHA P-codes."
    ),
    check_specs=[AssetCheckSpec(name, asset="places", description=desc) for name, desc in GAZETTEER_CHECKS.items()],
)
def places(context: AssetExecutionContext, geocoder: GeocoderResource, warehouse_db: WarehouseResource):
    geocoder = geocoder.get()
    frame = geocoder.places_frame()
    with warehouse_db.get_connection() as con:
        n = warehouse.write_places(con, frame)
    by_type = dict(frame.group_by("placetype").len().sort("placetype").iter_rows())
    return MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "by_placetype": MetadataValue.json(by_type),
            "gazetteer_version": geocoder.version,
            "attribution": MetadataValue.md(geocoder.source_attribution),
        },
        check_results=gazetteer_check_results(frame),
    )
