-- The cross-validation of the reconstruction by kind of figure: the accuracy the report's banner states.
with summary as (
    select * from {{ ref('stg_crossval__summary') }}
),

final as (
    select
        model_variant,
        figure_kind_code,
        figure_count,
        annual_figure_count,
        median_abs_pct_error,
        share_within_10_pct,
        share_within_rounding,
        bound_count,
        share_bounds_respected,
        interval_coverage,
        interval_coverage_uncalibrated,
        interval_widening
    from summary
)

select * from final
