-- The causal panel must hold every region-year of the yearly flows that lies within the region's years of
-- existence, and nothing else. Fails with each region-year missing from, or extra in, the panel.
with yearly as (
    select region_code, year
    from {{ ref('fct_yearly_flows') }}
    where age_scope_code = 'all_ages' and region_code <> '00'
),

regions as (
    select * from {{ ref('dim_regions') }}
),

expected as (
    select yearly.region_code, yearly.year
    from yearly
    inner join regions on yearly.region_code = regions.region_code
    where yearly.year between regions.first_year and coalesce(regions.last_year, 9999)
),

panel as (
    select region_code, year from {{ ref('fct_region_year_panel') }}
),

missing as (
    select *, 'missing from the panel' as problem from (select * from expected except select * from panel)
),

extra as (
    select *, 'not expected in the panel' as problem from (select * from panel except select * from expected)
)

select * from missing
union all
select * from extra
