from dagster import DailyPartitionsDefinition

# One partition per publication day in Damascus time; a day becomes a partition once it has
# ended, so the 02:00 run loads a complete day. The conflict's news starts in March 2011.
daily_partitions = DailyPartitionsDefinition(start_date="2011-03-15", timezone="Asia/Damascus", end_offset=0)
WRITER_POOL = "duckdb_writer"
OWNERS = ["team:events-data"]
