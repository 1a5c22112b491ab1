-- Each held-out published figure and the reconstruction's prediction of it from a refit without its fold
-- (python -m reference_data.crossval).
with source as (
    select * from {{ source('crossval', 'predictions') }}
),

renamed as (
    select
        model_variant,
        constraint_id,
        source_id,
        fold as fold_code,
        kind as figure_kind_code,
        region_code,
        year,
        months as months_code,
        population as population_code,
        direction_code,
        country_code,
        education_code,
        specialty_code,
        use as figure_role_code,
        comparison as comparison_code,
        published as published_value,
        tolerance as rounding_tolerance,
        predicted as predicted_value,
        is_bound,
        abs_pct_error,
        is_within_rounding,
        is_bound_respected,
        interval_low,
        interval_high,
        is_in_interval
    from source
)

select * from renamed
