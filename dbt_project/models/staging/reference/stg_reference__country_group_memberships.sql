with source as (
    select * from {{ ref('country_group_memberships') }}
),

renamed as (
    select
        country_code,
        group_code,
        valid_from_year,
        valid_to_year
    from source
)

select * from renamed
