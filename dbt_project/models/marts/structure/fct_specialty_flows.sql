with specialty_counts as (
    select * from {{ ref('int_structure__specialty_counts') }}
),

error_bands as (
    select * from {{ ref('int_crossval_error_bands') }}
),

specialties as (
    select * from specialty_counts
    where specialty_code <> '_T'
),

measured as (
    select
        * exclude (specialty_order),
        {{ structure_specialty_measures('year') }}
    from specialties
),

-- Only the Republic's modeled cells: the cross-validation held out national figures by specialty
-- (education_specialty), no region's, and no balance by specialty.
with_intervals as (
    select
        measured.*,
        {{ modeled_interval_end('measured.arrivals', 'bands', 'low') }} as arrivals_interval_80_low,
        {{ modeled_interval_end('measured.arrivals', 'bands', 'high') }} as arrivals_interval_80_high,
        {{ modeled_interval_end('measured.departures', 'bands', 'low') }} as departures_interval_80_low,
        {{ modeled_interval_end('measured.departures', 'bands', 'high') }} as departures_interval_80_high,
        bands.figure_kind_code as interval_figure_kind_code
    from measured
    left join error_bands as bands
        on bands.figure_kind_code = 'education_specialty'
        and not bands.is_balance
        and measured.region_code = '00'
        and not coalesce(measured.is_published, false)
),

final as (
    select * from with_intervals
)

select * from final
