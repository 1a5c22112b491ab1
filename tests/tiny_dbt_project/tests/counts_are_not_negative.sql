-- A negative count makes the build fail, as in the full project.
select * from {{ ref('fct_yearly_flows') }} where arrivals < 0 or departures < 0
