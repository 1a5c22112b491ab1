-- MetricFlow's time spine: one row per calendar year (every mart is yearly or coarser), with the study's
-- periods as custom granularities so that any metric can be grouped by regime or by pre-crisis/crisis.
-- MetricFlow joins a custom granularity with a left join, so a year no period holds would come back with an
-- empty label: every year therefore carries a readable label, and the years outside a set's periods say so.
with periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

years as (
    select cast(range as integer) as year
    from range(1991, 2031)
),

period_sets as (
    select distinct period_set_code
    from periods
    where period_set_code in ('paper_regimes', 'crisis_split')
),

years_in_sets as (
    select
        years.year,
        period_sets.period_set_code,
        periods.start_year,
        periods.end_year
    from years
    cross join period_sets
    left join periods
        on period_sets.period_set_code = periods.period_set_code
        and years.year between periods.start_year and periods.end_year
),

-- Consecutive years outside every period of a set form one run (year minus its rank is constant along it).
outside_years as (
    select
        period_set_code,
        year,
        year - row_number() over (partition by period_set_code order by year) as run_key
    from years_in_sets
    where start_year is null
),

outside_runs as (
    select
        period_set_code,
        run_key,
        min(year) as first_year,
        max(year) as last_year
    from outside_years
    group by period_set_code, run_key
),

labelled as (
    select
        years_in_sets.year,
        years_in_sets.period_set_code,
        case
            when years_in_sets.start_year is not null
                then years_in_sets.start_year || '–' || years_in_sets.end_year
            when outside_runs.last_year = (select max(years.year) from years)
                then outside_runs.first_year || ' and later (outside the periods)'
            when outside_runs.first_year = outside_runs.last_year
                then outside_runs.first_year || ' (outside the periods)'
            else outside_runs.first_year || '–' || outside_runs.last_year || ' (outside the periods)'
        end as period_label
    from years_in_sets
    left join outside_years
        on years_in_sets.period_set_code = outside_years.period_set_code
        and years_in_sets.year = outside_years.year
    left join outside_runs
        on outside_years.period_set_code = outside_runs.period_set_code
        and outside_years.run_key = outside_runs.run_key
),

final as (
    select
        make_date(year, 1, 1) as date_year,
        year,
        max(period_label) filter (where period_set_code = 'paper_regimes') as paper_regime,
        max(period_label) filter (where period_set_code = 'crisis_split') as crisis_split
    from labelled
    group by year
)

select * from final
