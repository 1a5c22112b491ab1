-- Each published figure held out of the reconstruction and what the refit without it predicted: how far a
-- modeled cell can be trusted, measured on figures the model did not see.
with predictions as (
    select * from {{ ref('stg_crossval__predictions') }}
),

final as (
    select
        model_variant,
        constraint_id,
        source_id,
        fold_code,
        figure_kind_code,
        region_code,
        year,
        months_code,
        population_code,
        direction_code,
        country_code,
        education_code,
        specialty_code,
        figure_role_code,
        comparison_code,
        published_value,
        rounding_tolerance,
        predicted_value,
        predicted_value - published_value as prediction_error,
        is_bound,
        abs_pct_error,
        is_within_rounding,
        is_bound_respected,
        interval_low,
        interval_high,
        is_in_interval
    from predictions
)

select * from final
