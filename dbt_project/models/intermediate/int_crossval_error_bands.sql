-- The 80% band of the reconstruction's errors on official figures it never saw, per kind of figure: the one
-- definition of the interval every modeled cell of the marts carries (modeled_interval_80_* columns).
-- A count's band is relative to the modeled value, (published - predicted) / predicted, read from the kind's
-- arrivals and departures; a balance's band is in persons, published - predicted, read from the kind's
-- balances: a balance is a small difference of two large flows, its error does not scale with it.
-- A band needs at least min_figures held-out figures; coverage is measured in sample and cross-fitted (each
-- fold's figures against the band of the other folds).
{% set low_quantile = 0.1 %}
{% set high_quantile = 0.9 %}
{% set min_figures = 5 %}

with predictions as (
    select * from {{ ref('stg_crossval__predictions') }}
),

annual as (
    select
        figure_kind_code,
        fold_code,
        published_value,
        predicted_value,
        rounding_tolerance,
        direction_code = 'net' as is_balance,
        case
            when direction_code = 'net' then published_value - predicted_value
            else (published_value - predicted_value) / nullif(predicted_value, 0)
        end as error_value
    from predictions
    where model_variant = 'bundled' and not is_bound
),

bands as (
    select
        figure_kind_code,
        is_balance,
        count(error_value) as annual_figure_count,
        quantile_cont(error_value, {{ low_quantile }}) as error_low_value,
        quantile_cont(error_value, {{ high_quantile }}) as error_high_value
    from annual
    group by figure_kind_code, is_balance
    having count(error_value) >= {{ min_figures }}
),

held_folds as (
    select distinct
        figure_kind_code,
        is_balance,
        fold_code
    from annual
),

fold_bands as (
    select
        held.figure_kind_code,
        held.is_balance,
        held.fold_code,
        quantile_cont(training.error_value, {{ low_quantile }}) as error_low_value,
        quantile_cont(training.error_value, {{ high_quantile }}) as error_high_value
    from held_folds as held
    inner join annual as training
        on held.figure_kind_code = training.figure_kind_code
        and held.is_balance = training.is_balance
        and held.fold_code <> training.fold_code
    group by held.figure_kind_code, held.is_balance, held.fold_code
),

scored as (
    select
        annual.figure_kind_code,
        annual.is_balance,
        {{ published_in_band('bands') }} as is_in_band,
        {{ published_in_band('fold_bands') }} as is_in_cross_fitted_band
    from annual
    inner join bands
        on annual.figure_kind_code = bands.figure_kind_code and annual.is_balance = bands.is_balance
    left join fold_bands
        on annual.figure_kind_code = fold_bands.figure_kind_code
        and annual.is_balance = fold_bands.is_balance
        and annual.fold_code = fold_bands.fold_code
),

coverage as (
    select
        figure_kind_code,
        is_balance,
        avg(case when is_in_band then 1.0 else 0.0 end) as in_sample_coverage,
        avg(case when is_in_cross_fitted_band then 1.0 else 0.0 end) as cross_fitted_coverage
    from scored
    group by figure_kind_code, is_balance
),

final as (
    select
        bands.figure_kind_code,
        bands.is_balance,
        bands.annual_figure_count,
        {{ high_quantile }} - {{ low_quantile }} as interval_level,
        bands.error_low_value,
        bands.error_high_value,
        coverage.in_sample_coverage,
        coverage.cross_fitted_coverage
    from bands
    inner join coverage
        on bands.figure_kind_code = coverage.figure_kind_code and bands.is_balance = coverage.is_balance
)

select * from final
