from dagster import DailyPartitionsDefinition

# One partition per publication day in Damascus time, today included (a late run may load it).
# The conflict's news starts in March 2011.
daily_partitions = DailyPartitionsDefinition(start_date="2011-03-15", timezone="Asia/Damascus", end_offset=1)
WRITER_POOL = "duckdb_writer"
OWNERS = ["team:events-data"]
