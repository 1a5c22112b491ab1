-- The cross-validation by kind of figure (python -m reference_data.crossval, summary.csv).
with source as (
    select * from {{ read_crossval_csv('summary.csv', {
        'model_variant': 'VARCHAR', 'kind': 'VARCHAR', 'figures': 'INTEGER', 'annual_figures': 'INTEGER',
        'median_abs_pct_error': 'DOUBLE', 'share_within_10_pct': 'DOUBLE', 'share_within_rounding': 'DOUBLE',
        'bounds': 'INTEGER', 'share_bounds_respected': 'DOUBLE', 'interval_coverage': 'DOUBLE',
        'interval_coverage_uncalibrated': 'DOUBLE', 'interval_widening': 'DOUBLE'}) }}
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
