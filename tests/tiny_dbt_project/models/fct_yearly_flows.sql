-- Yearly arrivals and departures per region from the canonical count files in KZ_COUNTS_DIR, shaped like
-- the full project's mart of the same name for the columns the publishing tests read.
with counts as (
    select *
    from read_csv(
        '{{ env_var("KZ_COUNTS_DIR") }}/*.csv*', header = true, auto_detect = false,
        columns = {
            'table_code': 'VARCHAR', 'year': 'INTEGER', 'region_code': 'VARCHAR', 'flow_code': 'VARCHAR',
            'direction_code': 'VARCHAR', 'country_code': 'VARCHAR', 'sex_code': 'VARCHAR',
            'settlement_code': 'VARCHAR', 'age_band_code': 'VARCHAR', 'age_from': 'INTEGER', 'age_to': 'INTEGER',
            'education_code': 'VARCHAR', 'specialty_code': 'VARCHAR', 'persons': 'BIGINT',
            'source_id': 'VARCHAR', 'provenance': 'VARCHAR'
        }
    )
),

final as (
    select
        region_code,
        year,
        sum(persons) filter (where direction_code = 'arrival') as arrivals,
        sum(persons) filter (where direction_code = 'departure') as departures
    from counts
    where country_code = '_T'
    group by all
)

select * from final
