from dagster import DailyPartitionsDefinition

from etl_project.sources.records import FIRST_PARTITION_DAY

# One partition per publication day in Damascus time; a day becomes a partition once it has
# ended, so the 02:00 run loads a complete day. The conflict's news starts in March 2011.
daily_partitions = DailyPartitionsDefinition(start_date=FIRST_PARTITION_DAY.isoformat(), timezone="Asia/Damascus", end_offset=0)
WRITER_POOL = "duckdb_writer"
OWNERS = ["team:events-data"]
