-- The cross-validation by kind of figure (python -m reference_data.crossval, summary.csv).
with source as (
    select * from {{ source('crossval', 'summary') }}
),

renamed as (
    select
        model_variant,
        kind as figure_kind_code,
        figures as figure_count,
        annual_figures as annual_figure_count,
        median_abs_pct_error,
        share_within_10_pct,
        share_within_rounding,
        bounds as bound_count,
        share_bounds_respected,
        interval_coverage,
        interval_coverage_uncalibrated,
        interval_widening
    from source
)

select * from renamed
