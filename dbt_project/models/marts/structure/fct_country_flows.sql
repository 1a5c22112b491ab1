with country_counts as (
    select * from {{ ref('int_structure__country_counts') }}
),

error_bands as (
    select * from {{ ref('int_crossval_error_bands') }}
),

countries as (
    select * exclude (display_order) from country_counts
    where country_code <> '_T'
),

measured as (
    {{ structure_country_shares('countries', 'year') }}
),

-- Only the Republic's modeled cells: the cross-validation measured national figures by country
-- (national_by_country), no region's.
with_intervals as (
    select
        measured.* replace (cast(measured.persons as bigint) as persons),
        {{ modeled_interval_end('measured.persons', 'bands', 'low') }} as persons_interval_80_low,
        {{ modeled_interval_end('measured.persons', 'bands', 'high') }} as persons_interval_80_high,
        bands.figure_kind_code as interval_figure_kind_code
    from measured
    left join error_bands as bands
        on bands.figure_kind_code = 'national_by_country'
        and not bands.is_balance
        and measured.region_code = '00'
        and not measured.is_published
),

final as (
    select * from with_intervals
)

select * from final
