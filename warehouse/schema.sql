-- The warehouse's tables. Applied on every connection that writes (CREATE ... IF NOT EXISTS),
-- so a fresh file and an old one converge on the same shape.
-- Column names follow ../shared/spec/event_record.md; views at the end give ACLED's names.

-- Every article ever read, one row per article id, with what became of it.
CREATE TABLE IF NOT EXISTS articles (
    article_id        VARCHAR PRIMARY KEY,
    partition_date    DATE NOT NULL,      -- publication day (Asia/Damascus), or the day received
    published         VARCHAR,            -- as given by the source (date or date-time)
    published_assumed BOOLEAN NOT NULL,   -- true: no usable `published`, the partition day was used
    source            VARCHAR,
    title             VARCHAR,
    url               VARCHAR,
    text              VARCHAR,
    text_sha1         VARCHAR,
    origin            VARCHAR,            -- file (and line) the article came from
    status            VARCHAR NOT NULL,   -- events | no_events | duplicate | quarantined
    n_events          INTEGER NOT NULL,
    duplicate_of      VARCHAR,
    reason            VARCHAR,
    extractor_version VARCHAR,
    metadata          VARCHAR             -- other input keys, as JSON
);

-- The columns of event_mentions and events are declared in etl_project/schema.py (EVENT_RECORD), in the
-- order of the extracted record; tests/test_schema.py holds this file to that declaration.

-- What the extractor read in each article: one row per incident per place per day per article.
CREATE TABLE IF NOT EXISTS event_mentions (
    mention_id        VARCHAR PRIMARY KEY, -- the extractor's deterministic event_id
    article_id        VARCHAR NOT NULL,
    partition_date    DATE NOT NULL,
    event_date        DATE,
    time_precision    TINYINT,
    date_text         VARCHAR,
    event_type        VARCHAR NOT NULL,
    sub_event_type    VARCHAR NOT NULL,
    actor1            VARCHAR,
    actor2            VARCHAR,
    actor1_text       VARCHAR,
    actor2_text       VARCHAR,
    inter1            TINYINT,
    inter2            TINYINT,
    location_name     VARCHAR,
    location_name_en  VARCHAR,
    admin1            VARCHAR,
    admin2            VARCHAR,
    admin1_pcode      VARCHAR,
    admin2_pcode      VARCHAR,
    latitude          DOUBLE,
    longitude         DOUBLE,
    geo_precision     TINYINT,
    location_text     VARCHAR,
    gazetteer_id      VARCHAR,
    fatalities        INTEGER NOT NULL,
    injuries          INTEGER NOT NULL,
    is_background     BOOLEAN NOT NULL,
    evidence          VARCHAR,
    evidence_start    INTEGER,
    evidence_end      INTEGER,
    confidence        DOUBLE,
    extractor_version VARCHAR,
    rules             VARCHAR[]            -- the rules that decided the event ("type:trigger.air_strike", ...)
);
-- a warehouse made before `rules` existed gains the column (null for the mentions it already holds)
ALTER TABLE event_mentions ADD COLUMN IF NOT EXISTS rules VARCHAR[];

-- One row per incident: the mentions of every article that reported it, merged
-- (same day, same event type, places within 5 km).
CREATE TABLE IF NOT EXISTS events (
    event_id          VARCHAR PRIMARY KEY,
    article_id        VARCHAR NOT NULL,   -- the primary source: first article to report it as news
    event_date        DATE,
    time_precision    TINYINT,
    date_text         VARCHAR,
    event_type        VARCHAR NOT NULL,
    sub_event_type    VARCHAR NOT NULL,
    actor1            VARCHAR,
    actor2            VARCHAR,
    actor1_text       VARCHAR,
    actor2_text       VARCHAR,
    inter1            TINYINT,
    inter2            TINYINT,
    location_name     VARCHAR,
    location_name_en  VARCHAR,
    admin1            VARCHAR,
    admin2            VARCHAR,
    admin1_pcode      VARCHAR,
    admin2_pcode      VARCHAR,
    latitude          DOUBLE,
    longitude         DOUBLE,
    geo_precision     TINYINT,
    location_text     VARCHAR,
    gazetteer_id      VARCHAR,
    fatalities        INTEGER NOT NULL,   -- the highest figure a source states directly
    injuries          INTEGER NOT NULL,
    is_background     BOOLEAN NOT NULL,   -- true only when every source recalls it as background
    evidence          VARCHAR,
    evidence_start    INTEGER,
    evidence_end      INTEGER,
    confidence        DOUBLE,
    extractor_version VARCHAR,
    n_sources         INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS event_sources (
    event_id       VARCHAR NOT NULL,
    mention_id     VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,
    source         VARCHAR,
    url            VARCHAR,
    published      VARCHAR,
    fatalities     INTEGER NOT NULL,
    is_background  BOOLEAN NOT NULL,
    is_primary     BOOLEAN NOT NULL,
    PRIMARY KEY (event_id, mention_id)
);

-- ACLED-shaped ids: event_id_cnty = 'SYR' || acled_no. A number is given once to each of our event_ids
-- (the next after the highest ever given, in date then event_id order within a load) and never changed,
-- reused or deleted: an event that a later load drops keeps its number, should it come back.
CREATE TABLE IF NOT EXISTS acled_ids (
    event_id     VARCHAR PRIMARY KEY,
    acled_no     BIGINT NOT NULL UNIQUE,
    assigned_at  TIMESTAMP NOT NULL
);

-- Rows that failed a contract or could not be read: nothing is dropped silently.
CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,   -- deterministic: re-running a partition replaces, never adds
    asset          VARCHAR NOT NULL,
    partition_date DATE NOT NULL,
    article_id     VARCHAR,
    check_name     VARCHAR NOT NULL,
    reason         VARCHAR NOT NULL,
    raw_payload    VARCHAR
);

-- Changes to published events between extractor versions, as ACLED publishes them.
CREATE TABLE IF NOT EXISTS event_revisions (
    event_id          VARCHAR NOT NULL,
    field             VARCHAR NOT NULL,
    old_value         VARCHAR,
    new_value         VARCHAR,
    old_version       VARCHAR,
    new_version       VARCHAR,
    changed_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS event_deletions (
    event_id          VARCHAR NOT NULL,
    event_date        DATE,
    old_version       VARCHAR,
    new_version       VARCHAR,
    deleted_at        TIMESTAMP NOT NULL
);

-- The gazetteer the events were geocoded against.
CREATE TABLE IF NOT EXISTS places (
    gazetteer_id   VARCHAR PRIMARY KEY,
    name_ar        VARCHAR,
    name_en        VARCHAR,
    placetype      VARCHAR,
    admin1         VARCHAR,
    admin2         VARCHAR,
    admin1_pcode   VARCHAR,
    admin2_pcode   VARCHAR,
    latitude       DOUBLE,
    longitude      DOUBLE,
    population     BIGINT,
    feature_code   VARCHAR,
    source         VARCHAR,
    names_ar       VARCHAR[]            -- every Arabic spelling the geocoder matches
);

-- One row per partition load: the audit trail of runs (the only table a re-run appends to).
CREATE TABLE IF NOT EXISTS partition_loads (
    partition_date    DATE NOT NULL,
    run_id            VARCHAR,
    loaded_at         TIMESTAMP NOT NULL,
    articles_in       INTEGER NOT NULL,
    events            INTEGER NOT NULL,
    no_events         INTEGER NOT NULL,
    duplicates        INTEGER NOT NULL,
    quarantined       INTEGER NOT NULL,
    extractor_version VARCHAR
);

-- The latest outcome of every check of every partition (the Dagster UI keeps their history).
CREATE TABLE IF NOT EXISTS check_results (
    partition_date DATE NOT NULL,
    asset          VARCHAR NOT NULL,
    check_name     VARCHAR NOT NULL,
    passed         BOOLEAN NOT NULL,
    severity       VARCHAR NOT NULL,   -- ERROR: the data is wrong; WARN: it is suspicious
    metadata       VARCHAR             -- why, as JSON
);

-- Views for analysts: ACLED's column names where a field exists there.
CREATE OR REPLACE VIEW v_events AS
SELECT
    e.event_id                                   AS event_id_cnty,
    e.event_date,
    year(e.event_date)                           AS year,
    e.time_precision,
    CASE e.event_type
        WHEN 'protest' THEN 'Demonstrations'
        WHEN 'riot' THEN 'Demonstrations'
        WHEN 'strategic_development' THEN 'Strategic developments'
        ELSE 'Political violence' END            AS disorder_type,
    e.event_type,
    e.sub_event_type,
    e.actor1,
    e.inter1,
    e.actor2,
    e.inter2,
    -- ACLED's numeric interaction, as etl_project.acled.interaction_code: the lower category first (17),
    -- one actor alone is its category and 0 (60); null when actor1's category is not known
    CASE WHEN e.inter1 BETWEEN 1 AND 8 THEN
        CASE WHEN e.inter2 BETWEEN 1 AND 8 THEN least(e.inter1, e.inter2) * 10 + greatest(e.inter1, e.inter2)
             ELSE e.inter1 * 10 END
    END                                          AS interaction,
    760                                          AS iso,
    'Middle East'                                AS region,
    'Syria'                                      AS country,
    e.admin1,
    e.admin2,
    CAST(NULL AS VARCHAR)                        AS admin3,
    coalesce(e.location_name_en, e.location_name) AS location,
    e.latitude,
    e.longitude,
    e.geo_precision,
    s.sources                                    AS source,
    CASE WHEN e.n_sources > 1 THEN 'Multiple' ELSE 'Single' END AS source_scale,
    e.evidence                                   AS notes,
    e.fatalities,
    CASE WHEN e.is_background THEN 'background' ELSE '' END AS tags,
    e.injuries,
    e.location_name,
    e.location_text,
    e.admin1_pcode,
    e.admin2_pcode,
    e.gazetteer_id,
    e.actor1_text,
    e.actor2_text,
    e.date_text,
    e.is_background,
    e.evidence,
    e.evidence_start,
    e.evidence_end,
    e.article_id,
    e.n_sources,
    e.confidence,
    e.extractor_version
FROM events e
LEFT JOIN (
    SELECT event_id, string_agg(DISTINCT coalesce(source, article_id), '; ' ORDER BY coalesce(source, article_id)) AS sources
    FROM event_sources GROUP BY event_id
) s USING (event_id);

CREATE OR REPLACE VIEW v_daily_by_governorate AS
SELECT event_date, admin1, event_type,
       count(*) AS events, sum(fatalities) AS fatalities, sum(injuries) AS injuries
FROM events
WHERE event_date IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE VIEW v_monthly_fatalities AS
SELECT date_trunc('month', event_date)::DATE AS month, admin1,
       count(*) AS events, sum(fatalities) AS fatalities
FROM events
WHERE event_date IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE VIEW v_sources AS
SELECT es.event_id, e.event_date, e.event_type, e.location_name, e.admin1,
       es.article_id, es.source, es.url, es.published, es.fatalities AS fatalities_reported,
       es.is_background, es.is_primary
FROM event_sources es JOIN events e USING (event_id);

-- Distances for analysts' SQL. Plain SQL, no extension: they work in any DuckDB session that opens this file,
-- read-only or not (a DuckDB spatial that a session has not loaded would make them fail there). Attached under
-- another name (ATTACH … AS w), run USE w first: the macro reads v_events of the database in use.
-- The great-circle distance in km between two points (degrees), on a sphere of radius 6371 km: the haversine.
-- tests/test_spatial_sql.py holds it to DuckDB spatial's ST_Distance_Sphere.
CREATE OR REPLACE MACRO distance_km(lat1, lon1, lat2, lon2) AS
    12742 * asin(least(1, sqrt(pow(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2))));

-- The events of v_events within max_km of a point, with their distance in km (column km), nearest first:
-- SELECT * FROM events_within_km(32.6189, 36.1021, 20)
CREATE OR REPLACE MACRO events_within_km(town_lat, town_lon, max_km) AS TABLE
    SELECT * FROM (SELECT *, distance_km(town_lat, town_lon, latitude, longitude) AS km FROM v_events)
    WHERE km <= max_km
    ORDER BY km, event_date, event_id_cnty;
