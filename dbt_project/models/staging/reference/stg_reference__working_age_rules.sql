with source as (
    select * from {{ ref('working_age_rules') }}
),

renamed as (
    select
        rule_set_code,
        year,
        sex_code,
        lower_age,
        upper_age
    from source
)

select * from renamed
