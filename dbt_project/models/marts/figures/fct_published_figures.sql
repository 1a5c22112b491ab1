-- Every real figure the project holds, one row each, with its source, its role in the reconstruction and the
-- warehouse's value for the same quantity beside it. A part-year figure is compared with the warehouse's
-- full-year value, which must be at least the figure; a part-year balance bounds the full-year balance from
-- above; Germany's record is set beside BNS's mirror flow (Germany's arrivals from Kazakhstan against BNS's
-- departures to Germany), with no verdict: the two registers count differently.
with figures as (
    select * from {{ ref('int_published_figures_unioned') }}
),

counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

memberships as (
    select * from {{ ref('stg_reference__country_group_memberships') }}
),

flows as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

sources as (
    select * from {{ ref('stg_figures__sources') }}
),

-- The warehouse's cells as the marts read them (official over bundled over reconstruction), with the country
-- groups the press quotes: CIS by the year's membership, NON_CIS every other stated or unstated country.
cells as (
    select
        table_code,
        year,
        region_code,
        flow_code,
        direction_code,
        country_code,
        sex_code,
        settlement_code,
        age_band_code,
        education_code,
        specialty_code,
        persons,
        provenance
    from counts
    where table_code <> 'national_total'
),

group_cells as (
    select
        cells.table_code,
        cells.year,
        cells.region_code,
        cells.flow_code,
        cells.direction_code,
        case when memberships.group_code = 'CIS' then 'group:CIS' else 'group:NON_CIS' end as country_code,
        cells.sex_code,
        cells.settlement_code,
        cells.age_band_code,
        cells.education_code,
        cells.specialty_code,
        cells.persons,
        cells.provenance
    from cells
    left join memberships
        on
        cells.country_code = memberships.country_code
        and memberships.group_code = 'CIS'
        and cells.year between memberships.valid_from_year and memberships.valid_to_year
    where cells.table_code = 'by_country' and cells.country_code <> '_T'
),

all_cells as (
    select * from cells
    union all
    select * from group_cells
),

-- Which cells answer each figure, and with which sign: a balance is arrivals less departures; Germany's
-- arrivals from Kazakhstan mirror BNS's departures to Germany, and Germany's balance is BNS's departures to
-- Germany less its arrivals from Germany. Population stocks and Germany's split by citizenship have no cell.
lookups as (
    select
        figure_id,
        coalesce(
            -- An official national total is the Republic's total of the tables the marts read.
            replace(table_code, 'national_total', 'by_country'),
            case
                when population_code in ('specialists', 'specialists_15_plus') then 'by_specialty'
                when population_code in ('working_age', 'persons_15_plus') then 'by_education'
                else 'by_country'
            end
        ) as lookup_table_code,
        year,
        region_code,
        flow_code,
        country_code as lookup_country_code,
        sex_code,
        settlement_code,
        age_band_code,
        education_code,
        specialty_code,
        case direction_code
            when 'arrival' then 1
            when 'net' then 1
            when 'partner_net' then -1
            else 0
        end as arrival_weight,
        case direction_code
            when 'departure' then 1
            when 'net' then -1
            when 'partner_net' then 1
            else 0
        end as departure_weight
    from figures
    where
        flow_code is not null
        -- Another country's record has a mirror cell only in Germany's own table, for all citizenships.
        and (
            recording_country_code = 'KAZ'
            or (figure_file_name like 'data/partner/%' and population_code = 'all_ages')
        )
        and (flow_code = 'external' or table_code is not null)
        -- Context rows are not cells of the tables (shares, sums over years, other subjects); text is no count;
        -- a figure in conflict with those held may be another quantity altogether (a ten-year sum).
        and coalesce(use_code, '') not in ('context', 'conflict')
        and comparison_code <> 'text'
),

cell_values as (
    select
        lookups.figure_id,
        cast(sum(
            all_cells.persons * case all_cells.direction_code
                when 'arrival' then lookups.arrival_weight
                when 'departure' then lookups.departure_weight
                else lookups.arrival_weight
            end
        ) as double) as warehouse_value,
        string_agg(distinct all_cells.provenance, '; ' order by all_cells.provenance) as warehouse_provenance
    from lookups
    inner join all_cells
        on
        lookups.lookup_table_code = all_cells.table_code
        and lookups.year = all_cells.year
        and lookups.region_code = all_cells.region_code
        and lookups.flow_code = all_cells.flow_code
        and lookups.lookup_country_code = all_cells.country_code
        and lookups.sex_code = all_cells.sex_code
        and lookups.settlement_code = all_cells.settlement_code
        and lookups.age_band_code = all_cells.age_band_code
        and lookups.education_code = all_cells.education_code
        and lookups.specialty_code = all_cells.specialty_code
    where
        (all_cells.direction_code = 'arrival' and lookups.arrival_weight <> 0)
        or (all_cells.direction_code = 'departure' and lookups.departure_weight <> 0)
        or (all_cells.direction_code = 'net' and lookups.arrival_weight <> 0 and lookups.departure_weight <> 0)
    group by lookups.figure_id
),

population_values as (
    select
        figures.figure_id,
        cast(flows.residents_on_1_january as double) as warehouse_value,
        'published:' || figures.source_id as warehouse_provenance
    from figures
    inner join flows
        on
        figures.region_code = flows.region_code
        and figures.year = flows.year
        and flows.age_scope_code = 'all_ages'
    where figures.population_code = 'residents' and figures.sex_code = '_T' and figures.settlement_code = '_T'
),

warehouse_values as (
    select * from cell_values
    union all
    select * from population_values
),

-- A derived figure names its sources joined by `+`; its URL lists each source's URL in the same order.
source_parts as (
    select
        source_id,
        unnest(source_parts) as source_part,
        unnest(range(1, len(source_parts) + 1)) as part_number
    from (
        select distinct
            source_id,
            string_split(replace(source_id, 'derived:', ''), '+') as source_parts
        from figures
    ) as distinct_sources
),

figure_sources as (
    select
        source_parts.source_id,
        string_agg(sources.source_url, ' + ' order by source_parts.part_number) as source_url,
        string_agg(
            sources.source_description, ' + ' order by source_parts.part_number
        ) as source_description
    from source_parts
    left join sources on source_parts.source_part = sources.source_id
    group by source_parts.source_id
),

described as (
    select
        figures.*,
        regions.region_name_en,
        figures.months <> '01-12' and figures.population_code <> 'residents' as is_part_year,
        case
            when figures.recording_country_code <> 'KAZ' then 'partner_statistic'
            when figures.source_id like 'derived:%' then 'derived'
            when figures.table_code is not null then 'official_table'
            when figures.source_id like 'taldau\_%' escape '\' or figures.source_id like 'bns\_%' escape '\'
                then 'official_table'
            when figures.source_id = 'sagandykova_2025' then 'published_study'
            else 'press_quoted_release'
        end as source_kind,
        {{ figure_tolerance('figures.comparison_code') }} as tolerance_persons,
        warehouse_values.warehouse_value,
        warehouse_values.warehouse_provenance,
        figure_sources.source_url,
        -- An ingested download names its own source id, which the register need not list: its file says what
        -- it is.
        coalesce(
            figure_sources.source_description,
            case
                when figures.figure_id like 'OFFICIAL\_%' escape '\'
                    then 'ingested BNS download: ' || figures.figure_file_name
            end
        ) as source_description
    from figures
    left join regions on figures.region_code = regions.region_code
    left join warehouse_values on figures.figure_id = warehouse_values.figure_id
    left join figure_sources on figures.source_id = figure_sources.source_id
),

judged as (
    select
        *,
        case
            when table_code is not null then 'official_cell'
            when use_code in ('hard', 'target', 'lower_bound', 'signed_part_year') then 'constraint'
            when use_code in ('check', 'validation') then 'validation_only'
            when use_code in ('superseded', 'conflict') then 'documented_conflict'
            when use_code in ('out_of_scope', 'context') then 'context'
            when use_code is not null then 'unclassified'
            when figure_file_name like '%bns_national_external_flows.csv' and warehouse_value is not null
                then 'constraint'
            else 'context'
        end as role_code,
        case
            when warehouse_value is null then null
            when recording_country_code <> 'KAZ' then 'partner_mirror'
            when comparison_code = 'at_most' then 'upper_bound'
            when is_part_year or population_code in ('persons_15_plus', 'specialists_15_plus', 'ethnic_russians')
                then 'lower_bound'
            else 'same_quantity'
        end as warehouse_comparison_code
    from described
),

final as (
    select
        figure_id,
        figure_file_name,
        region_code,
        region_name_en,
        year,
        months,
        is_part_year,
        recording_country_code,
        flow_code,
        direction_code,
        population_code,
        country_code,
        education_code,
        specialty_code,
        sex_code,
        settlement_code,
        case
            when population_code = 'residents' then 'residents on 1 January'
            when figure_file_name like 'data/partner/%' and direction_code = 'departure'
                then 'arrivals in Germany from Kazakhstan, Germany''s record'
            when figure_file_name like 'data/partner/%' and direction_code = 'arrival'
                then 'departures from Germany to Kazakhstan, Germany''s record'
            when figure_file_name like 'data/partner/%'
                then 'balance of Germany with Kazakhstan (its arrivals - departures), Germany''s record'
            else concat_ws(
                ', ',
                case direction_code when 'arrival' then 'arrivals' when 'departure' then 'departures' else 'balance' end
                || case flow_code
                    when 'internal' then ' (interregional)'
                    when 'all' then ' (all flows)'
                    else ' (external)'
                end,
                replace(population_code, '_', ' '),
                case when country_code <> '_T' then 'country ' || replace(country_code, 'group:', 'group ') end,
                case when education_code <> '_T' then 'education ' || education_code end,
                case when specialty_code <> '_T' then 'specialty ' || specialty_code end,
                case when recording_country_code <> 'KAZ' then 'partner record (' || recording_country_code || ')' end,
                case when comparison_code = 'text' then 'not a count (see note)' end
            )
        end
        || case
            when figure_file_name like 'data/partner/%' and population_code <> 'all_ages'
                then ' (' || replace(population_code, '_', ' ') || ')'
            else ''
        end as measure,
        figure_value,
        case when comparison_code = 'text' then 'not a count (see note)' else 'persons' end as unit,
        comparison_code,
        tolerance_persons,
        source_id,
        source_url,
        source_description,
        source_kind,
        case when source_kind = 'derived' then note end as derivation,
        use_code,
        role_code,
        note,
        warehouse_value,
        warehouse_provenance,
        warehouse_comparison_code,
        cast(warehouse_value - figure_value as bigint) as warehouse_minus_figure,
        round(100 * (warehouse_value - figure_value) / nullif(abs(figure_value), 0), 2)
            as warehouse_minus_figure_pct,
        case
            when warehouse_comparison_code = 'same_quantity'
                then abs(warehouse_value - figure_value) <= tolerance_persons
        end as is_within_rounding,
        case
            when warehouse_comparison_code = 'lower_bound' then warehouse_value >= figure_value - tolerance_persons
            when warehouse_comparison_code = 'upper_bound' then warehouse_value <= figure_value + tolerance_persons
        end as is_bound_respected
    from judged
)

select * from final
