-- Where official cells meet reconstructed ones and a sum no longer holds: official national totals
-- against reconstructed regions, an official regional total against reconstructed countries, … One row per
-- broken group; the build fails on any (tests/official_and_reconstructed_cells_agree.sql).
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

sums as (
    {{ layer_conflicts('counts', 'regions_vs_republic', 'region_code', '00', "table_code <> 'national_total'") }}
    union all
    {{ layer_conflicts('counts', 'countries_vs_all_countries', 'country_code', '_T', "table_code = 'by_country'") }}
    union all
    {{ layer_conflicts('counts', 'sexes_vs_both_sexes', 'sex_code', '_T', "table_code = 'by_sex_age'") }}
    union all
    {{ layer_conflicts('counts', 'ages_vs_all_ages', 'age_band_code', '_T', "table_code = 'by_sex_age'") }}
    union all
    {{ layer_conflicts('counts', 'education_vs_total', 'education_code', '_T', "table_code = 'by_education'") }}
    union all
    {{ layer_conflicts('counts', 'specialties_vs_total', 'specialty_code', '_T', "table_code = 'by_specialty'") }}
),

-- The same region-year total printed by two tables from different layers (official national_total
-- against the reconstruction's by_country Republic row).
region_year_totals as (
    select * from counts
    where
        country_code = '_T' and sex_code = '_T' and settlement_code = '_T' and age_band_code = '_T'
        and education_code = '_T' and specialty_code = '_T'
),

across_tables as (
    select
        'tables_disagree_on_total' as conflict_code,
        other.table_code,
        official.year,
        official.region_code,
        official.direction_code,
        'table_code' as part_column,
        official.layer_code as total_layer_code,
        other.layer_code as part_layer_codes,
        official.persons as total_persons,
        other.persons as parts_persons,
        other.persons - official.persons as difference_persons,
        official.source_file_name as total_file_name
    from region_year_totals as official
    inner join region_year_totals as other
        on official.year = other.year
        and official.region_code = other.region_code
        and official.flow_code = other.flow_code
        and official.direction_code = other.direction_code
        and official.table_code <> other.table_code
    where official.layer_code = 'official' and other.layer_code <> 'official' and official.persons <> other.persons
),

unioned as (
    select * from sums
    union all
    select * from across_tables
),

final as (
    select
        *,
        format(
            '{} {} {} in region {}: the {} total is {} ({}) but its {} parts from the {} layer sum to {} '
            || '(difference {}); ingest the matching breakdown too, or remove the official download',
            conflict_code, direction_code, year, region_code, total_layer_code, total_persons, total_file_name,
            part_column, part_layer_codes, parts_persons, difference_persons
        ) as conflict_description
    from unioned
)

select * from final
