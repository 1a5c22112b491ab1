-- MetricFlow's time spine: one row per calendar year (every mart is yearly or coarser), with the study's
-- periods as custom granularities so that any metric can be grouped by regime or by pre-crisis/crisis.
with periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

years as (
    select cast(range as integer) as year
    from range(1991, 2031)
),

final as (
    select
        make_date(years.year, 1, 1) as date_year,
        years.year,
        make_date(regime.start_year, 1, 1) as paper_regime,
        make_date(crisis.start_year, 1, 1) as crisis_split
    from years
    left join periods as regime
        on regime.period_set_code = 'paper_regimes'
        and years.year between regime.start_year and regime.end_year
    left join periods as crisis
        on crisis.period_set_code = 'crisis_split'
        and years.year between crisis.start_year and crisis.end_year
)

select * from final
