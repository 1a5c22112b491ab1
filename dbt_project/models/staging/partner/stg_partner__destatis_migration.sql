with source as (
    select * from {{ ref('destatis_kazakhstan_migration') }}
),

renamed as (
    select
        year,
        partner_country_code,
        nationality_code,
        arrivals_in_germany_from_kazakhstan,
        departures_from_germany_to_kazakhstan,
        balance_of_germany_with_kazakhstan,
        value_status,
        source_id,
        source_url,
        licence,
        provenance
    from source
)

select * from renamed
