-- The working-age education counts side by side: one row per region × year with the totals and the two
-- specialist levels (higher, secondary vocational) for arrivals and departures.
with education_counts as (
    select * from {{ ref('int_structure__education_counts') }}
),

pivoted as (
    select
        region_code,
        region_name_en,
        year,
        {%- set column_by_level = [
            ('_T', 'working_age'), ('higher', 'higher'), ('secondary_vocational', 'secondary_vocational')
        ] %}
        {%- for level, column in column_by_level %}
        {%- for direction in ['arrival', 'departure'] %}
        cast(
            sum(persons) filter (where education_code = '{{ level }}' and direction_code = '{{ direction }}')
            as bigint
        ) as {{ column }}_{{ direction }}s,
        {%- endfor %}
        {%- endfor %}
        bool_and(is_published) as is_published
    from education_counts
    group by all
),

final as (
    select * from pivoted
)

select * from final
