-- Every real figure the project holds, from every file that holds one, in one long shape: the bundled
-- published figures (constraints.csv), the national Taldau series, the regional population, the all-flows
-- balance (internal + external) and the interregional flows by region (three figures per row), Germany's record
-- of migration with Kazakhstan (three figures per row: arrivals, departures, balance) and the ingested official
-- cells. Each figure keeps its own file, its own id and the subject it speaks about; the warehouse's value is
-- matched in fct_published_figures. Directions are Kazakhstan's: Germany's arrivals from Kazakhstan are a
-- departure to DEU as Germany records it; Germany's own balance is `partner_net` (the negative of a net).
with constraints as (
    select * from {{ ref('stg_figures__constraints') }}
),

sources as (
    select * from {{ ref('stg_figures__sources') }}
),

-- Another country's record: the source register says so ("Partner record: …"), or the figure's note does (a
-- second print of a partner's figure, quoted by a source that also prints BNS figures).
partner_sources as (
    select source_id
    from sources
    where regexp_matches(source_description, '^Partner (record|statistic)')
),

national_series as (
    select * from {{ ref('stg_bns__national_flows') }}
),

population as (
    select * from {{ ref('stg_bns__population') }}
),

all_flows as (
    select * from {{ ref('stg_bns__all_flows_balance') }}
),

interregional as (
    select * from {{ ref('stg_bns__interregional_flows') }}
),

destatis as (
    select * from {{ ref('stg_partner__destatis_migration') }}
),

official as (
    select * from {{ ref('stg_bns__official_counts') }}
),

from_constraints as (
    select
        constraints.constraint_id as figure_id,
        'data/reference/constraints.csv' as figure_file_name,
        case
            when
                partner_sources.source_id is null
                and not starts_with(lower(coalesce(constraints.note, '')), 'partner record')
                then 'KAZ'
            when constraints.country_code like 'group:%' or constraints.country_code = '_T' then 'partner'
            else constraints.country_code
        end as recording_country_code,
        constraints.region_code,
        constraints.year,
        constraints.months,
        constraints.population_code,
        '_T' as sex_code,
        '_T' as settlement_code,
        cast(null as varchar) as table_code,
        case when constraints.population_code in ('all_ages', 'ethnic_russians') then '_T' else 'WA' end
            as age_band_code,
        case when constraints.use_code = 'out_of_scope' then 'internal' else 'external' end as flow_code,
        constraints.direction_code,
        constraints.country_code,
        constraints.education_code,
        constraints.specialty_code,
        constraints.figure_value,
        constraints.comparison_code,
        constraints.use_code,
        constraints.source_id,
        constraints.note
    from constraints
    left join partner_sources on constraints.source_id = partner_sources.source_id
),

from_national_series as (
    select
        'TALDAU_' || year || '_' || upper(left(direction_code, 3)) as figure_id,
        'dbt_project/seeds/bns_national_external_flows.csv' as figure_file_name,
        'KAZ' as recording_country_code,
        region_code,
        year,
        '01-12' as months,
        'all_ages' as population_code,
        sex_code,
        settlement_code,
        cast(null as varchar) as table_code,
        age_band_code,
        flow_code,
        direction_code,
        country_code,
        education_code,
        specialty_code,
        cast(persons as double) as figure_value,
        'exact' as comparison_code,
        cast(null as varchar) as use_code,
        source_id,
        cast(null as varchar) as note
    from national_series
),

from_population as (
    select
        'POP_' || year || '_' || region_code || '_' || sex_code || '_' || settlement_code as figure_id,
        'dbt_project/seeds/bns_population_by_region.csv' as figure_file_name,
        'KAZ' as recording_country_code,
        region_code,
        year,
        '01-01' as months,
        'residents' as population_code,
        sex_code,
        settlement_code,
        cast(null as varchar) as table_code,
        '_T' as age_band_code,
        cast(null as varchar) as flow_code,
        'stock' as direction_code,
        '_T' as country_code,
        '_T' as education_code,
        '_T' as specialty_code,
        cast(residents_on_1_january as double) as figure_value,
        'exact' as comparison_code,
        cast(null as varchar) as use_code,
        source_id,
        cast(null as varchar) as note
    from population
),

from_all_flows as (
    select
        'ALL_FLOWS_' || year || '_' || region_code || '_' || settlement_code || '_NET' as figure_id,
        'dbt_project/seeds/bns_all_flows_balance.csv' as figure_file_name,
        'KAZ' as recording_country_code,
        region_code,
        year,
        '01-12' as months,
        'all_ages' as population_code,
        '_T' as sex_code,
        settlement_code,
        cast(null as varchar) as table_code,
        '_T' as age_band_code,
        'all' as flow_code,
        'net' as direction_code,
        '_T' as country_code,
        '_T' as education_code,
        '_T' as specialty_code,
        cast(net_persons as double) as figure_value,
        'exact' as comparison_code,
        cast(null as varchar) as use_code,
        source_id,
        cast(null as varchar) as note
    from all_flows
),

-- A yearly row covers months 01-12; a row of one month (2024) covers that month only.
interregional_measures as (
    select
        interregional.*,
        measure.direction_code,
        measure.figure_suffix,
        case measure.direction_code
            when 'arrival' then interregional.arrivals
            when 'departure' then interregional.departures
            else interregional.net_persons
        end as persons,
        coalesce(
            lpad(cast(interregional.month_number as varchar), 2, '0') || '-'
            || lpad(cast(interregional.month_number as varchar), 2, '0'),
            '01-12'
        ) as months
    from interregional
    cross join (
        values ('arrival', 'ARR'), ('departure', 'DEP'), ('net', 'NET')
    ) as measure (direction_code, figure_suffix)
),

from_interregional as (
    select
        'INTERREGIONAL_' || year || '_' || months || '_' || region_code || '_' || figure_suffix as figure_id,
        'dbt_project/seeds/interregional_flows_by_region.csv' as figure_file_name,
        'KAZ' as recording_country_code,
        region_code,
        year,
        months,
        'all_ages' as population_code,
        '_T' as sex_code,
        '_T' as settlement_code,
        cast(null as varchar) as table_code,
        '_T' as age_band_code,
        'internal' as flow_code,
        direction_code,
        '_T' as country_code,
        '_T' as education_code,
        '_T' as specialty_code,
        cast(persons as double) as figure_value,
        'exact' as comparison_code,
        cast(null as varchar) as use_code,
        source_id,
        cast(null as varchar) as note
    from interregional_measures
),

destatis_measures as (
    select
        destatis.*,
        measure.direction_code,
        measure.figure_suffix,
        case measure.direction_code
            when 'departure' then destatis.arrivals_in_germany_from_kazakhstan
            when 'arrival' then destatis.departures_from_germany_to_kazakhstan
            else destatis.balance_of_germany_with_kazakhstan
        end as persons
    from destatis
    cross join (
        values
        ('departure', 'ARRIVALS_IN_GERMANY'),
        ('arrival', 'DEPARTURES_FROM_GERMANY'),
        ('partner_net', 'BALANCE_OF_GERMANY')
    ) as measure (direction_code, figure_suffix)
),

from_destatis as (
    select
        'DESTATIS_' || year || '_' || upper(nationality_code) || '_' || figure_suffix as figure_id,
        'data/partner/destatis_kazakhstan_migration.csv' as figure_file_name,
        partner_country_code as recording_country_code,
        '00' as region_code,
        year,
        '01-12' as months,
        case nationality_code
            when 'total' then 'all_ages'
            when 'german' then 'german_citizens'
            else 'foreign_citizens'
        end as population_code,
        '_T' as sex_code,
        '_T' as settlement_code,
        cast(null as varchar) as table_code,
        '_T' as age_band_code,
        'external' as flow_code,
        direction_code,
        partner_country_code as country_code,
        '_T' as education_code,
        '_T' as specialty_code,
        cast(persons as double) as figure_value,
        'exact' as comparison_code,
        cast(null as varchar) as use_code,
        source_id,
        'value status ' || value_status || '; ' || licence as note
    from destatis_measures
),

from_official as (
    select
        'OFFICIAL_' || concat_ws(
            '_', table_code, year, region_code, flow_code, direction_code, country_code, sex_code, settlement_code,
            age_band_code, education_code, specialty_code
        ) as figure_id,
        'data/official/tables/' || source_file_name as figure_file_name,
        'KAZ' as recording_country_code,
        region_code,
        year,
        '01-12' as months,
        case
            when table_code = 'by_specialty' then 'specialists'
            when age_band_code = 'WA' then 'working_age'
            when age_band_code = '_T' then 'all_ages'
            else 'age_band:' || age_band_code
        end as population_code,
        sex_code,
        settlement_code,
        table_code,
        age_band_code,
        flow_code,
        direction_code,
        country_code,
        education_code,
        specialty_code,
        cast(persons as double) as figure_value,
        'exact' as comparison_code,
        cast(null as varchar) as use_code,
        source_id,
        'official cell of table ' || table_code as note
    from official
),

final as (
    select * from from_constraints
    union all
    select * from from_national_series
    union all
    select * from from_population
    union all
    select * from from_all_flows
    union all
    select * from from_interregional
    union all
    select * from from_destatis
    union all
    select * from from_official
)

select * from final
